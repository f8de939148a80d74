// Helpers for the cluster-mode scenarios (cluster-*.e2e.test.ts): meshgate processes started
// with --cluster and the install's own ServiceAccount and RBAC (manifests/), a TCP round-robin
// "Service" in front of them, the webhook configurations pointed at it, and ways to look at
// what each replica serves. The shared webhook configurations are taken over for the file and
// given back afterwards, as failure-policy.e2e.test.ts does.
import { randomBytes, X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { stringify } from 'yaml';
import { waitForServiceAccount } from './cluster/index.js';
import type { Kubectl } from './cluster/kubectl.js';
import { meshgateCli, metricValue, waitForInjectorCalls, webhookEntries } from './cluster/meshgate.js';
import { freePort, waitFor } from './cluster/net.js';
import { startDaemon, type Daemon } from './cluster/proc.js';
import { REPO_ROOT } from './cluster/versions.js';
import { E2E_NAMESPACE_MESHGATE, PROBE_NAMESPACE } from './context.js';
import { e2e, kubectl } from './support.js';

export const NS = E2E_NAMESPACE_MESHGATE;
/** Where Istio keeps its ConfigMaps, and where cluster-mode meshgate reads them. */
export const ISTIO_NS = 'istio-system';
export const SECRET = 'meshgate-certs';
export const MUTATING = 'meshgate-sidecar-injector';
export const VALIDATING = 'meshgate-validator';
const MESHGATE_BIN = join(REPO_ROOT, 'bin', 'meshgate.js');

/** The install's ServiceAccount and RBAC, exactly as manifests/ ships them. */
export async function installRbac(k: Kubectl): Promise<void> {
  await k.ok(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ISTIO_NS } }) });
  for (const f of ['serviceaccount.yaml', 'rbac.yaml']) await k.ok(['apply', '-f', join(REPO_ROOT, 'manifests', f)]);
}

/** A kubeconfig that authenticates as the meshgate ServiceAccount (a bound token). */
export async function serviceAccountKubeconfig(k: Kubectl, dir: string): Promise<string> {
  const token = (await k.ok(['create', 'token', 'meshgate', '-n', NS, '--duration', '2h'])).trim();
  const ctx = e2e();
  const file = join(dir, 'meshgate-sa.kubeconfig');
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'e2e', cluster: { server: ctx.server, 'certificate-authority': ctx.caFile } }],
    users: [{ name: 'meshgate', user: { token } }],
    contexts: [{ name: 'e2e', context: { cluster: 'e2e', user: 'meshgate', namespace: NS } }],
    'current-context': 'e2e',
  };
  writeFileSync(file, stringify(doc), { mode: 0o600 });
  return file;
}

/** Removes what a previous scenario left: the Secret, Leases and injection ConfigMaps. */
export async function resetClusterState(k: Kubectl): Promise<void> {
  await k.ok(['delete', 'secret', SECRET, '-n', NS, '--ignore-not-found']);
  await k.ok(['delete', 'configmap', 'istio-sidecar-injector', 'istio', '-n', ISTIO_NS, '--ignore-not-found']);
  await k.ok(['delete', 'lease', '--all', '-n', NS, '--ignore-not-found']);
}

export interface ClusterMeshgate {
  readonly name: string;
  readonly port: number;
  readonly url: string;
  readonly logFile: string;
  readonly daemon: Daemon;
  stop(): Promise<void>;
}

export interface ClusterMeshgateOptions {
  readonly dir: string;
  readonly name: string;
  readonly kubeconfig: string;
  readonly extraArgs?: readonly string[];
}

/** Starts `meshgate serve --cluster` on a free port; does not wait for readiness. */
export async function startClusterMeshgate(opts: ClusterMeshgateOptions): Promise<ClusterMeshgate> {
  const port = await freePort();
  const dir = join(opts.dir, opts.name);
  mkdirSync(dir, { recursive: true });
  const args = [
    MESHGATE_BIN,
    'serve',
    '--cluster',
    '--kubeconfig',
    opts.kubeconfig,
    '--namespace',
    NS,
    '--listen',
    `127.0.0.1:${port}`,
    '--cert-dir',
    join(dir, 'certs'),
    // The API server calls https://127.0.0.1:PORT, so the certificate must name that address.
    '--cert-extra-sans',
    '127.0.0.1,localhost',
    `--native-sidecars=${String(e2e().meshgate.nativeSidecars)}`,
    ...(opts.extraArgs ?? []),
  ];
  const logFile = join(dir, `${opts.name}.log`);
  const daemon = startDaemon({ name: opts.name, cmd: process.execPath, args, logFile, cwd: REPO_ROOT });
  return { name: opts.name, port, url: `https://127.0.0.1:${port}`, logFile, daemon, stop: () => daemon.stop() };
}

/** GET without verifying the certificate (readiness, metrics): what matters is checked elsewhere. */
export function insecureGet(url: string, timeoutMs = 5_000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { rejectUnauthorized: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

export async function waitReady(mg: ClusterMeshgate, timeoutMs = 90_000): Promise<void> {
  await waitFor(
    async () => {
      const res = await insecureGet(`${mg.url}/readyz`);
      if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${res.body.slice(0, 200)}`);
      return true;
    },
    { what: `${mg.name} ready`, timeoutMs, intervalMs: 300, abortIf: () => (mg.daemon.isRunning() ? undefined : `exited:\n${mg.daemon.logTail(30)}`) },
  );
}

export async function metric(mg: ClusterMeshgate, name: string, labels: Readonly<Record<string, string>> = {}): Promise<number> {
  const res = await insecureGet(`${mg.url}/metrics`);
  return metricValue(res.body, name, labels);
}

/** The certificate a replica presents in a TLS handshake right now. */
export function servedCertificate(port: number): Promise<X509Certificate> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false, servername: 'localhost' }, () => {
      const raw = socket.getPeerCertificate().raw;
      socket.end();
      resolve(new X509Certificate(raw));
    });
    socket.on('error', reject);
    socket.setTimeout(5_000, () => socket.destroy(new Error('TLS handshake timeout')));
  });
}

export function signedBy(cert: X509Certificate, caPem: string): boolean {
  const ca = new X509Certificate(caPem);
  return cert.checkIssued(ca) && cert.verify(ca.publicKey);
}

export function splitPem(bundle: string): string[] {
  return bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/** The certificates of a PEM bundle as sorted SHA-256 fingerprints (line endings do not matter). */
export function fingerprints(pem: string): string[] {
  return splitPem(pem)
    .map((c) => new X509Certificate(c).fingerprint256)
    .sort();
}

export function sameCerts(a: string, b: string): boolean {
  const fa = fingerprints(a);
  const fb = fingerprints(b);
  return fa.length > 0 && fa.length === fb.length && fa.every((f, i) => f === fb[i]);
}

/** Keeps the scenario's directory (meshgate logs) when MESHGATE_E2E_KEEP is set. */
export function keepLogs(): boolean {
  return (process.env['MESHGATE_E2E_KEEP'] ?? '') !== '';
}

interface SecretJson {
  metadata: { annotations?: Record<string, string>; resourceVersion: string };
  data: Record<string, string>;
}

export async function readSecret(k: Kubectl): Promise<{ caCert: string; bundle: string[]; servingCert: string; annotations: Record<string, string> } | undefined> {
  const res = await k.run(['get', 'secret', SECRET, '-n', NS, '-o', 'json']);
  if (res.code !== 0) return undefined;
  const s = JSON.parse(res.stdout) as SecretJson;
  const dec = (key: string): string => Buffer.from(s.data[key] ?? '', 'base64').toString('utf8');
  return { caCert: dec('ca.crt'), bundle: splitPem(dec('ca-bundle.crt')), servingCert: dec('tls.crt'), annotations: s.metadata.annotations ?? {} };
}

interface WebhookConfigJson {
  webhooks: { name: string; failurePolicy?: string; clientConfig: { caBundle?: string; url?: string } }[];
}

export async function webhookConfig(k: Kubectl, kind: 'mutatingwebhookconfiguration' | 'validatingwebhookconfiguration', name: string): Promise<WebhookConfigJson> {
  return k.json<WebhookConfigJson>(['get', kind, name]);
}

/** The PEM bundle every webhook of the configuration carries ('' when they differ or are empty). */
export async function publishedBundle(k: Kubectl, kind: 'mutatingwebhookconfiguration' | 'validatingwebhookconfiguration', name: string): Promise<string> {
  const cfg = await webhookConfig(k, kind, name);
  const bundles = [...new Set(cfg.webhooks.map((w) => w.clientConfig.caBundle ?? ''))];
  return bundles.length === 1 ? Buffer.from(bundles[0] ?? '', 'base64').toString('utf8') : '';
}

export interface RoundRobin {
  readonly port: number;
  readonly url: string;
  setBackends(ports: readonly number[]): void;
  close(): Promise<void>;
}

/** A TCP round-robin balancer on 127.0.0.1, standing in for the meshgate Service: TLS passes through. */
export async function startRoundRobin(): Promise<RoundRobin> {
  let backends: readonly number[] = [];
  let next = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const port = backends[next++ % Math.max(backends.length, 1)];
    if (port === undefined) return client.destroy();
    const upstream = createConnection({ host: '127.0.0.1', port });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port,
    url: `https://127.0.0.1:${port}`,
    setBackends: (ports) => {
      backends = ports;
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * The install's webhook configurations pointed at `url` (without a CA bundle: meshgate fills
 * it in). `validatingUrl` can point the validating webhook somewhere else.
 */
export async function applyWebhooks(k: Kubectl, url: string, validatingUrl = url): Promise<void> {
  const mutating = await meshgateCli(['manifests', '--url', url, '--only', 'mutating']);
  const validating = await meshgateCli(['manifests', '--url', validatingUrl, '--only', 'validating']);
  const entries = webhookEntries(`${mutating}---\n${validating}`);
  if (entries.length < 2) throw new Error('meshgate manifests rendered no webhooks');
  await k.ok(['apply', '-f', '-'], { input: `${mutating}---\n${validating}` });
}

/** Puts back the configurations the global setup installed, and waits until they work again. */
export async function restoreSharedWebhooks(): Promise<void> {
  const ctx = e2e();
  await kubectl().ok(['apply', '-f', '-'], { input: readFileSync(ctx.manifests.default, 'utf8') });
  await waitForInjectorCalls(kubectl(), ctx.meshgate, PROBE_NAMESPACE);
}

/** A namespace whose Pods the mutating webhook selects. */
export async function injectedNamespace(k: Kubectl, prefix: string): Promise<string> {
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  await k.ok(['create', 'namespace', name]);
  await k.ok(['label', 'namespace', name, 'istio-injection=enabled']);
  await waitForServiceAccount(k, name);
  return name;
}

export function logLines(mg: ClusterMeshgate): Record<string, unknown>[] {
  let text = '';
  try {
    text = readFileSync(mg.logFile, 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').flatMap((l) => {
    if (!l.startsWith('{')) return [];
    try {
      return [JSON.parse(l) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

export function logged(mg: ClusterMeshgate, message: string): Record<string, unknown>[] {
  return logLines(mg).filter((l) => typeof l['msg'] === 'string' && (l['msg'] as string).includes(message));
}
