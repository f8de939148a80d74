// meshgate as a local process next to the cluster, and its webhook configurations rendered
// by the project's own commands (`meshgate certs`, `meshgate manifests`) with a `url:` client
// config pointing at that process.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { Kubectl } from './kubectl.js';
import { freePort, httpsGet, waitFor, waitForHttps } from './net.js';
import { silent, type Progress } from './progress.js';
import { runOk, startDaemon, type Daemon } from './proc.js';
import { REPO_ROOT } from './versions.js';

const MESHGATE_BIN = join(REPO_ROOT, 'bin', 'meshgate.js');

/** What a test needs to talk to a running meshgate; plain data, so it crosses to test workers. */
export interface MeshgateInfo {
  /** https://127.0.0.1:PORT */
  readonly url: string;
  /** The CA that signed meshgate's serving certificate (the webhooks' caBundle). */
  readonly caFile: string;
  /** meshgate's stdout and stderr (pino JSON lines). */
  readonly logFile: string;
  readonly revision: string;
  readonly nativeSidecars: boolean;
}

export interface Meshgate extends MeshgateInfo {
  readonly daemon: Daemon;
  stop(): Promise<void>;
}

export interface MeshgateOptions {
  /** Directory for the serving certificate (reused if it already holds one) and the log. */
  readonly dir: string;
  readonly name?: string;
  readonly revision?: string;
  readonly nativeSidecars?: boolean;
  readonly valuesFile?: string;
  readonly meshFile?: string;
  readonly port?: number;
  readonly extraArgs?: readonly string[];
  /** Added to the environment (MESHGATE_* variables of the caller's are dropped: flags rule). */
  readonly env?: NodeJS.ProcessEnv;
  readonly progress?: Progress;
}

/** Runs `meshgate <args>` from the repository and returns its stdout. */
export async function meshgateCli(args: readonly string[]): Promise<string> {
  return (await runOk(process.execPath, [MESHGATE_BIN, ...args], { cwd: REPO_ROOT, env: cleanEnv(), timeoutMs: 60_000 })).stdout;
}

/** `meshgate certs` for 127.0.0.1 and localhost, unless dir already holds a certificate. */
export async function ensureWebhookCerts(dir: string): Promise<{ caFile: string; certFile: string; keyFile: string }> {
  const files = { caFile: join(dir, 'ca.crt'), certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key') };
  if (!Object.values(files).every(existsSync)) {
    mkdirSync(dir, { recursive: true });
    await meshgateCli(['certs', '--out', dir, '--dns', 'localhost', '--ip', '127.0.0.1', '--reuse-ca']);
  }
  for (const f of Object.values(files)) if (!existsSync(f)) throw new Error(`meshgate certs did not write ${f}`);
  return files;
}

export async function startMeshgate(opts: MeshgateOptions): Promise<Meshgate> {
  const progress = opts.progress ?? silent;
  const name = opts.name ?? `meshgate${opts.revision ? `-${opts.revision}` : ''}`;
  const certs = await ensureWebhookCerts(join(opts.dir, 'certs'));
  const port = opts.port ?? (await freePort());
  const url = `https://127.0.0.1:${port}`;
  const nativeSidecars = opts.nativeSidecars ?? true;
  const args = [
    MESHGATE_BIN,
    'serve',
    '--listen',
    `127.0.0.1:${port}`,
    '--tls-cert',
    certs.certFile,
    '--tls-key',
    certs.keyFile,
    `--native-sidecars=${nativeSidecars}`,
    ...(opts.revision ? ['--revision', opts.revision] : []),
    ...(opts.valuesFile ? ['--values', opts.valuesFile] : []),
    ...(opts.meshFile ? ['--mesh', opts.meshFile] : []),
    ...(opts.extraArgs ?? []),
  ];
  progress(`starting ${name} on ${url}`);
  const logFile = join(opts.dir, `${name}.log`);
  const daemon = startDaemon({ name, cmd: process.execPath, args, logFile, cwd: REPO_ROOT, env: { ...cleanEnv(), ...opts.env } });
  try {
    await waitForHttps(
      `${url}/readyz`,
      { ca: readFileSync(certs.caFile, 'utf8') },
      {
        what: name,
        timeoutMs: 30_000,
        abortIf: () => (daemon.isRunning() ? undefined : `exited; log ${logFile}:\n${daemon.logTail(30)}`),
      },
    );
  } catch (e) {
    await daemon.stop();
    throw e;
  }
  const info = { url, caFile: certs.caFile, logFile, revision: opts.revision ?? '', nativeSidecars };
  return { ...info, daemon, stop: () => daemon.stop() };
}

// meshgate also reads MESHGATE_* settings from the environment: only the flags above count here.
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MESHGATE_')));
}

/** `meshgate manifests` for this process: the webhook configurations as YAML. */
export function renderWebhooks(mg: MeshgateInfo): Promise<string> {
  return meshgateCli(['manifests', '--url', mg.url, '--ca-bundle', mg.caFile, ...(mg.revision ? ['--revision', mg.revision] : [])]);
}

export interface WebhookEntry {
  readonly kind: 'MutatingWebhookConfiguration' | 'ValidatingWebhookConfiguration';
  readonly configuration: string;
  readonly name: string;
  readonly failurePolicy: string;
  readonly url: string;
}

interface WebhookConfigDoc {
  kind?: string;
  metadata?: { name?: string };
  webhooks?: { name?: string; failurePolicy?: string; clientConfig?: { url?: string } }[];
}

/** The webhook entries of rendered manifests; failurePolicy defaults to Fail as in the API. */
export function webhookEntries(yamlText: string): WebhookEntry[] {
  return parseAllDocuments(yamlText)
    .map((d) => d.toJS() as WebhookConfigDoc | null)
    .filter((d): d is WebhookConfigDoc => d?.kind === 'MutatingWebhookConfiguration' || d?.kind === 'ValidatingWebhookConfiguration')
    .flatMap((d) =>
      (d.webhooks ?? []).map((w) => ({
        kind: d.kind as WebhookEntry['kind'],
        configuration: d.metadata?.name ?? '',
        name: w.name ?? '',
        failurePolicy: w.failurePolicy ?? 'Fail',
        url: w.clientConfig?.url ?? '',
      })),
    );
}

/** Only the documents of the given kinds, as a YAML stream. */
export function selectDocuments(yamlText: string, kinds: readonly string[]): string {
  return parseAllDocuments(yamlText)
    .filter((d) => kinds.includes(String((d.toJS() as { kind?: unknown } | null)?.kind)))
    .map((d) => d.toString())
    .join('---\n');
}

/** Applies rendered manifests after checking they point at this meshgate. */
export async function applyWebhooks(kubectl: Kubectl, mg: MeshgateInfo, yamlText: string): Promise<WebhookEntry[]> {
  const entries = webhookEntries(yamlText);
  if (entries.length === 0) throw new Error(`meshgate manifests printed no webhook configurations:\n${yamlText.slice(0, 500)}`);
  const stray = entries.filter((e) => !e.url.startsWith(`${mg.url}/`));
  if (stray.length > 0) throw new Error(`webhooks not pointing at ${mg.url}: ${stray.map((e) => `${e.name} → ${e.url || '(no url)'}`).join(', ')}`);
  await kubectl.ok(['apply', '-f', '-'], { input: yamlText });
  return entries;
}

/** meshgate's Prometheus text. */
export async function fetchMetrics(mg: MeshgateInfo): Promise<string> {
  const res = await httpsGet(`${mg.url}/metrics`, { ca: readFileSync(mg.caFile, 'utf8') });
  if (res.status !== 200) throw new Error(`${mg.url}/metrics: HTTP ${res.status}`);
  return res.body;
}

/** Sum of a metric's samples whose labels include all of `labels` (0 when absent). */
export function metricValue(text: string, name: string, labels: Readonly<Record<string, string>> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const labelText = m[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => labelText.includes(`${k}="${v}"`))) sum += Number(m[3]);
  }
  return sum;
}

/** meshgate's log as parsed JSON lines (lines that are not JSON are skipped). */
export function logRecords(mg: MeshgateInfo): Record<string, unknown>[] {
  const text = existsSync(mg.logFile) ? readFileSync(mg.logFile, 'utf8') : '';
  return text.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

/** Evidence that a request reached this meshgate: its log grew, or its injection counter did. */
async function activity(mg: MeshgateInfo): Promise<number> {
  let requests = 0;
  try {
    requests = metricValue(await fetchMetrics(mg), 'sidecar_injection_requests_total');
  } catch {
    // a stopped or metric-less meshgate: rely on the log
  }
  return logRecords(mg).length + requests;
}

/**
 * The API server loads webhook configurations asynchronously: creates dry-run Pods in
 * `namespace` (which must select this meshgate's injector) until one reaches meshgate.
 */
export async function waitForInjectorCalls(kubectl: Kubectl, mg: MeshgateInfo, namespace: string, timeoutMs = 30_000): Promise<void> {
  const pod = JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'webhook-probe', namespace },
    spec: { containers: [{ name: 'app', image: 'registry.e2e.meshgate.test/probe:1' }] },
  });
  const before = await activity(mg);
  await waitFor(
    async () => {
      await kubectl.run(['create', '--dry-run=server', '-o', 'name', '-f', '-'], { input: pod });
      return (await activity(mg)) > before;
    },
    { what: `API server calling ${mg.url} for Pods in ${namespace}`, timeoutMs, intervalMs: 500 },
  );
}
