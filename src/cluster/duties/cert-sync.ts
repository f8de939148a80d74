// Every replica: make sure the certificate Secret exists (create it when absent; when two
// replicas race, the loser's create conflicts and it uses the winner's), then follow it with a
// watch and write its serving pair into certDir, where the server's TLS watcher reloads it.
// Writing the files is the only way a replica changes what it serves.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { V1Secret } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { caBundleOf, certSecretContent, certSecretObject, readCertSecret, readExternalSecret, type CertState, type SecretReading } from '../decide/cert-state.js';
import { carryOut, type IssuePolicy } from './issue.js';
import { messageOf, sources, watchNamed, type Kube, type NamedWatch, type Store } from '../api/kube.js';
import { joinPem } from '../../certs/pki.js';

export interface CertSyncOptions {
  readonly kube: Kube;
  readonly secrets: Store<V1Secret>;
  readonly namespace: string;
  readonly secretName: string;
  readonly certDir: string;
  readonly issue: IssuePolicy;
  readonly log: Logger;
  /** After new files are written: the server checks and installs them. */
  readonly onFilesWritten: () => Promise<void>;
  /**
   * builtin (default): meshgate's own Secret, created here when absent. external: another
   * issuer (cert-manager) writes the Secret in its format; it is only followed, never written.
   */
  readonly management?: 'builtin' | 'external';
}

export interface SecretSnapshot {
  readonly secret?: V1Secret;
  readonly reading: SecretReading;
  /** The last valid content seen, kept when the Secret is deleted or broken, to restore it from. */
  readonly lastValid?: CertState;
}

export interface CertSync {
  /** Creates the Secret when it does not exist; retries until the API answers. */
  ensure(): Promise<void>;
  /** Starts following the Secret; resolves once its current state has been handled. */
  start(): Promise<void>;
  current(): SecretSnapshot;
  /** Called after every change of the Secret. */
  onChange(listener: (s: SecretSnapshot) => void): void;
  stop(): void;
}

export const CERT_FILES = { cert: 'tls.crt', key: 'tls.key', ca: 'ca.crt' } as const;

/** Replaces a file atomically, so the TLS watcher never reads half of one. */
async function replaceFile(dir: string, name: string, content: string, mode: number): Promise<void> {
  const tmp = join(dir, `.${name}.tmp`);
  await writeFile(tmp, content, { mode });
  await rename(tmp, join(dir, name));
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

export function createCertSync(opts: CertSyncOptions): CertSync {
  const log = opts.log.child({ component: 'certificates' });
  let snapshot: SecretSnapshot = { reading: { kind: 'absent' } };
  let written = '';
  let lastProblem = '';
  let watch: NamedWatch | undefined;
  let stopped = false;
  const listeners: ((s: SecretSnapshot) => void)[] = [];

  const createOnce = async (): Promise<void> => {
    const now = new Date();
    const made = await carryOut({ kind: 'create' }, { kind: 'absent' }, now, opts.issue);
    if (!made) return;
    const content = certSecretContent(made.material, made);
    const result = await opts.secrets.create(certSecretObject(opts.secretName, opts.namespace, content) as V1Secret);
    if (result === 'ok') log.info({ secret: opts.secretName }, 'created the certificate Secret with a new CA');
    else log.info({ secret: opts.secretName }, 'another replica created the certificate Secret first; using it');
  };

  const external = opts.management === 'external';
  const ensure = async (): Promise<void> => {
    if (external) return;
    for (let attempt = 0; !stopped; attempt++) {
      try {
        if ((await opts.secrets.get(opts.secretName)) === undefined) await createOnce();
        return;
      } catch (e) {
        log.warn({ err: messageOf(e) }, 'cannot read or create the certificate Secret; retrying');
        await sleep(Math.min(500 * 2 ** attempt, 10_000));
      }
    }
  };

  const writeFiles = async (reading: SecretReading): Promise<void> => {
    if (reading.kind !== 'valid') return;
    const { serving, bundle } = reading.state;
    if (serving.cert === written) return;
    await mkdir(opts.certDir, { recursive: true, mode: 0o700 });
    // Key first: a watcher that sees the certificate change finds the matching key in place.
    await replaceFile(opts.certDir, CERT_FILES.key, serving.key, 0o600);
    await replaceFile(opts.certDir, CERT_FILES.cert, serving.cert, 0o644);
    await replaceFile(opts.certDir, CERT_FILES.ca, joinPem(bundle), 0o644);
    written = serving.cert;
    await opts.onFilesWritten();
  };

  const report = (reading: SecretReading): void => {
    const problem = reading.kind === 'invalid' ? reading.problem : reading.kind === 'absent' ? 'the Secret does not exist' : '';
    const waitingFor = external ? 'waiting for its issuer (cert-manager) to write it' : 'waiting for the leader to repair it';
    if (problem !== '' && problem !== lastProblem) log.warn({ secret: opts.secretName, problem }, `the certificate Secret cannot be used; ${waitingFor}`);
    lastProblem = problem;
  };

  let queue: Promise<void> = Promise.resolve();
  const handle = (secret: V1Secret | undefined): Promise<void> => {
    const reading = external ? readExternalSecret(secret) : readCertSecret(secret);
    const lastValid = reading.kind === 'valid' ? reading.state : snapshot.lastValid;
    snapshot = { ...(secret ? { secret } : {}), reading, ...(lastValid ? { lastValid } : {}) };
    report(reading);
    for (const l of listeners) l(snapshot);
    // Serialised: two quick changes must not interleave their file writes.
    queue = queue.then(() => writeFiles(reading)).catch((e: unknown) => log.error({ err: messageOf(e), dir: opts.certDir }, 'cannot write the serving certificate'));
    return queue;
  };

  return {
    ensure,
    start: async () => {
      let first: Promise<void> | undefined;
      watch = watchNamed<V1Secret>({
        kube: opts.kube,
        source: sources.secret(opts.kube, opts.namespace),
        name: opts.secretName,
        log,
        onChange: (s) => {
          const p = handle(s);
          first ??= p;
        },
      });
      await watch.start();
      await first;
    },
    current: () => snapshot,
    onChange: (l) => void listeners.push(l),
    stop: () => {
      stopped = true;
      watch?.stop();
    },
  };
}

/** The bundle of the current Secret as webhook configurations carry it, when it is usable. */
export function currentBundle(s: SecretSnapshot): string | undefined {
  return s.reading.kind === 'valid' ? caBundleOf(s.reading.state) : undefined;
}
