// Writing a CA and a serving certificate into a directory, as `meshgate certs` and the
// development start-up do. Private keys are written with mode 0600.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { issueCA, issueServing, type KeyPair } from './pki.js';

export interface CertFiles {
  readonly caCert: string;
  readonly caKey: string;
  readonly cert: string;
  readonly key: string;
}

export function certPaths(dir: string): CertFiles {
  return {
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    cert: join(dir, 'tls.crt'),
    key: join(dir, 'tls.key'),
  };
}

export interface WriteOptions {
  readonly dnsNames: readonly string[];
  readonly ipAddresses?: readonly string[];
  /** Validity of the serving certificate in days (default 365; the CA gets ten years). */
  readonly days?: number;
  /** Reuse ca.crt/ca.key from the directory when present (new serving cert, same CA). */
  readonly reuseCA?: boolean;
}

const DAY_MS = 86_400_000;

async function readPair(certFile: string, keyFile: string): Promise<KeyPair | undefined> {
  try {
    return { cert: await readFile(certFile, 'utf8'), key: await readFile(keyFile, 'utf8') };
  } catch {
    return undefined;
  }
}

export async function writeCerts(dir: string, opts: WriteOptions): Promise<CertFiles> {
  const paths = certPaths(dir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const now = new Date();
  const existing = opts.reuseCA ? await readPair(paths.caCert, paths.caKey) : undefined;
  const ca = existing ?? (await issueCA({ validityMs: 3650 * DAY_MS, now }));
  const serving = await issueServing(ca, { sans: [...opts.dnsNames, ...(opts.ipAddresses ?? [])], validityMs: (opts.days ?? 365) * DAY_MS, now });
  if (!existing) {
    await writeFile(paths.caCert, ca.cert);
    await writeFile(paths.caKey, ca.key, { mode: 0o600 });
  }
  // Key first, then certificate: a watcher reloading on the certificate's change sees a matching key.
  await writeFile(paths.key, serving.key, { mode: 0o600 });
  await writeFile(paths.cert, serving.cert);
  return paths;
}
