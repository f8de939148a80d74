// Serving certificate from files, hot-reloaded: a change to either file (including the
// symlink swap Kubernetes does for mounted Secrets) installs the new pair with
// setSecureContext, so new connections get it without a restart and open ones continue.
import { X509Certificate, createHash, createPrivateKey } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from 'pino';

export interface TlsPair {
  readonly cert: string;
  readonly key: string;
}

export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

/** Why the pair cannot be served (unreadable, not PEM, key does not match), or undefined. */
export function pairProblem(pair: TlsPair): string | undefined {
  try {
    const x509 = new X509Certificate(pair.cert);
    if (!x509.checkPrivateKey(createPrivateKey(pair.key))) return 'the private key does not belong to the certificate';
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

export async function readPair(files: TlsFiles): Promise<TlsPair> {
  const [cert, key] = await Promise.all([readFile(files.certFile, 'utf8'), readFile(files.keyFile, 'utf8')]);
  return { cert, key };
}

/** Reads the pair once at start-up; a missing or mismatched pair is fatal there. */
export async function loadPair(files: TlsFiles): Promise<TlsPair> {
  let pair: TlsPair;
  try {
    pair = await readPair(files);
  } catch (e) {
    throw new Error(`cannot read the serving certificate: ${(e as Error).message}`);
  }
  const problem = pairProblem(pair);
  if (problem) throw new Error(`cannot use the serving certificate ${files.certFile}: ${problem}`);
  return pair;
}

export interface TlsWatchOptions {
  readonly files: TlsFiles;
  readonly initial: TlsPair;
  readonly apply: (pair: TlsPair) => void;
  readonly log: Logger;
  readonly onResult?: (ok: boolean) => void;
  /** Safety-net polling interval; file events are the main trigger. */
  readonly pollMs?: number;
}

export interface TlsWatcher {
  /** Checks the files now; resolves true when a new pair was installed. */
  check(): Promise<boolean>;
  close(): void;
}

function digest(pair: TlsPair): string {
  return createHash('sha256').update(pair.cert).update('\0').update(pair.key).digest('hex');
}

export function watchTls(opts: TlsWatchOptions): TlsWatcher {
  let current = digest(opts.initial);
  let timer: NodeJS.Timeout | undefined;
  let retries = 0;
  const check = async (): Promise<boolean> => {
    let pair: TlsPair;
    try {
      pair = await readPair(opts.files);
    } catch (e) {
      opts.log.debug({ err: e }, 'serving certificate not readable yet');
      return false;
    }
    const d = digest(pair);
    if (d === current) return false;
    const problem = pairProblem(pair);
    if (problem) {
      // A writer replaces the files one at a time; wait for the other half before giving up.
      if (retries++ < 40) schedule(250);
      else {
        opts.log.error({ problem }, 'new serving certificate rejected; keeping the previous one');
        opts.onResult?.(false);
        current = d;
      }
      return false;
    }
    retries = 0;
    opts.apply(pair);
    current = d;
    const x509 = new X509Certificate(pair.cert);
    opts.log.info({ serial: x509.serialNumber, notAfter: x509.validTo }, 'serving certificate reloaded');
    opts.onResult?.(true);
    return true;
  };
  const schedule = (ms: number): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void check(), ms);
    timer.unref();
  };
  const watchers: FSWatcher[] = [...new Set([dirname(opts.files.certFile), dirname(opts.files.keyFile)])].map((dir) => {
    const w = watch(dir, { persistent: false }, () => schedule(100));
    w.on('error', (err) => opts.log.warn({ err }, 'certificate directory watch failed; relying on polling'));
    return w;
  });
  const poll = setInterval(() => void check(), opts.pollMs ?? 5000);
  poll.unref();
  return {
    check,
    close: () => {
      watchers.forEach((w) => w.close());
      clearInterval(poll);
      if (timer) clearTimeout(timer);
    },
  };
}
