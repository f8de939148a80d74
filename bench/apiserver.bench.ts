// `npm run bench:apiserver`: what a user pays for meshgate's webhooks, measured where they pay
// it — a create through the real kube-apiserver. A throw-away cluster from the e2e harness (its
// cached etcd, kube-apiserver and controller manager; no scheduler or kubelet, so Pods are only
// stored), meshgate with the Deployment's NODE_OPTIONS, its webhook configurations from
// `meshgate manifests`; then 1,000 Pods in an injected namespace (bench/data/inject-5kb.json's
// Pod), 1,000 VirtualServices (20 routes) and 1,000 HTTPRoutes (16 rules) created one at a time
// over one keep-alive connection, half of each with the webhooks installed and half with them
// removed, alternating in blocks so that the machine's noise falls on both alike. Reports each
// create's latency p50/p90/p99 with and without, the difference (the added latency per create),
// the API server's own time per webhook call and meshgate's handler time; writes bench/results/<date>-apiserver.json. Nothing is
// asserted: machines are noisy (the goals are in bench/README.md).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { startCluster, stderrProgress, waitForServiceAccount, type Cluster } from '../test/e2e/cluster/index.js';
import { fetchMetrics, metricValue, renderWebhooks, startMeshgate, type Meshgate } from '../test/e2e/cluster/meshgate.js';
import { waitFor } from '../test/e2e/cluster/net.js';
import { REPO_ROOT } from '../test/e2e/cluster/versions.js';

const CREATES = Number(process.env['MESHGATE_BENCH_CREATES'] ?? 1000);
const BLOCK = Number(process.env['MESHGATE_BENCH_BLOCK'] ?? 125);
/** Creates before measuring each kind, webhooks on: connections, JIT and caches warm up on both sides. */
const WARMUP = 50;
const INJECT_NS = 'bench-inject';
const VALIDATE_NS = 'bench-validate';
const progress = stderrProgress(Date.now(), 'bench:apiserver');

type Obj = Record<string, unknown>;
interface Named {
  readonly name?: string;
}

interface Workload {
  readonly name: string;
  readonly path: string;
  readonly object: (name: string) => Obj;
  /** meshgate's handler-time histogram for this kind of request. */
  readonly histogram: string;
  /** Why a created object's answer is not what the webhooks' state promises ('' when it is). */
  readonly check: (created: Obj, webhooks: boolean) => string;
}

function dataObject(file: string): Obj {
  const object = (JSON.parse(readFileSync(join(REPO_ROOT, 'bench', 'data', file), 'utf8')) as { request: { object: Obj } }).request.object;
  const { ownerReferences: _owner, generateName: _generate, namespace: _ns, ...metadata } = object['metadata'] as Obj;
  return { ...object, metadata };
}

function hasSidecar(pod: Obj): boolean {
  const spec = pod['spec'] as { containers?: Named[]; initContainers?: Named[] } | undefined;
  return [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])].some((c) => c.name === 'istio-proxy');
}

function workloads(): Workload[] {
  const pod = dataObject('inject-5kb.json');
  const vs = dataObject('validate-virtualservice.json');
  const route = dataObject('validate-httproute.json');
  const named = (o: Obj, name: string): Obj => ({ ...o, metadata: { ...(o['metadata'] as Obj), name } });
  return [
    {
      name: 'pod',
      path: `/api/v1/namespaces/${INJECT_NS}/pods`,
      object: (n) => named(pod, n),
      histogram: 'sidecar_injection_time_seconds',
      check: (created, on) => (hasSidecar(created) === on ? '' : on ? 'not injected' : 'injected without the webhook'),
    },
    {
      name: 'virtualservice',
      path: `/apis/networking.istio.io/v1/namespaces/${VALIDATE_NS}/virtualservices`,
      object: (n) => named(vs, n),
      histogram: 'meshgate_validation_time_seconds',
      check: () => '',
    },
    {
      name: 'httproute',
      path: `/apis/gateway.networking.k8s.io/v1/namespaces/${VALIDATE_NS}/httproutes`,
      object: (n) => named(route, n),
      histogram: 'meshgate_validation_time_seconds',
      check: () => '',
    },
  ];
}

/** A client of the API server as the cluster's admin, over one keep-alive connection. */
function apiClient(cluster: Cluster) {
  const agent = new Agent({
    keepAlive: true,
    maxSockets: 1,
    ca: readFileSync(cluster.caFile),
    cert: readFileSync(cluster.pki.admin.cert),
    key: readFileSync(cluster.pki.admin.key),
  });
  const call = (method: 'GET' | 'POST', path: string, body?: string): Promise<{ status: number; body: string; ms: number }> =>
    new Promise((resolve, reject) => {
      const t0 = process.hrtime.bigint();
      const req = request(`${cluster.server}${path}`, { method, agent, headers: { 'content-type': 'application/json', accept: 'application/json' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
      });
      req.on('error', reject);
      req.end(body);
    });
  return { post: (path: string, body: string) => call('POST', path, body), get: (path: string) => call('GET', path), close: () => agent.destroy() };
}

/**
 * Installs or removes the webhook configurations, then waits until the API server acts on the
 * change (it loads them asynchronously): a dry-run Pod is injected, or not, and a VirtualService
 * with a look-ahead regex (which only meshgate refuses) is denied, or not.
 */
async function setWebhooks(cluster: Cluster, api: ReturnType<typeof apiClient>, yamlText: string, on: boolean): Promise<void> {
  if (on) await cluster.kubectl.ok(['apply', '-f', '-'], { input: yamlText });
  else await cluster.kubectl.ok(['delete', '--ignore-not-found', '-f', '-'], { input: yamlText });
  const probePod = JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'probe' },
    spec: { containers: [{ name: 'app', image: 'registry.bench.meshgate.test/app:1' }] },
  });
  const badVs = JSON.stringify({
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'probe' },
    spec: { hosts: ['orders'], http: [{ match: [{ uri: { regex: '^/orders/(?!internal).*$' } }], route: [{ destination: { host: 'orders' } }] }] },
  });
  await waitFor(
    async () => {
      const pod = await api.post(`/api/v1/namespaces/${INJECT_NS}/pods?dryRun=All`, probePod);
      const vs = await api.post(`/apis/networking.istio.io/v1/namespaces/${VALIDATE_NS}/virtualservices?dryRun=All`, badVs);
      return pod.status === 201 && hasSidecar(JSON.parse(pod.body) as Obj) === on && (vs.status !== 201) === on;
    },
    { what: `the API server ${on ? 'calling' : 'no longer calling'} meshgate`, timeoutMs: 60_000, intervalMs: 200 },
  );
}

interface Stats {
  readonly n: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly mean: number;
}

function stats(xs: readonly number[]): Stats {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? NaN;
  const r = (n: number): number => Math.round(n * 100) / 100;
  return { n: s.length, p50: r(at(0.5)), p90: r(at(0.9)), p99: r(at(0.99)), mean: r(s.reduce((a, b) => a + b, 0) / s.length) };
}

interface Result {
  readonly with: Stats;
  readonly without: Stats;
  readonly added: Omit<Stats, 'n'>;
  readonly meshgateHandlerMeanMs: number | null;
  readonly meshgateCalls: number;
  /** The API server's time per webhook call (apiserver_admission_webhook_admission_duration_seconds): meshgate, the round trip, encoding and decoding. */
  readonly apiServerWebhookCallMeanMs: number | null;
}

/** Sum and count of one of meshgate's histograms, to tell its own time from the API server's. */
async function handlerTime(mg: Meshgate, histogram: string): Promise<{ sum: number; count: number }> {
  const text = await fetchMetrics(mg);
  return { sum: metricValue(text, `${histogram}_sum`), count: metricValue(text, `${histogram}_count`) };
}

/** The API server's own time for its webhook calls (all webhooks), from its /metrics. */
async function apiServerWebhookTime(api: ReturnType<typeof apiClient>): Promise<{ sum: number; count: number }> {
  const text = (await api.get('/metrics')).body;
  const name = 'apiserver_admission_webhook_admission_duration_seconds';
  return { sum: metricValue(text, `${name}_sum`), count: metricValue(text, `${name}_count`) };
}

/** NODE_OPTIONS of the shipped Deployment's meshgate container. */
function deploymentNodeOptions(): string {
  type Doc = { kind?: string; spec?: { template?: { spec?: { containers?: { env?: { name: string; value?: string }[] }[] } } } };
  for (const doc of parseAllDocuments(readFileSync(join(REPO_ROOT, 'manifests', 'deployment.yaml'), 'utf8'))) {
    const d = doc.toJS() as Doc | null;
    if (d?.kind !== 'Deployment') continue;
    return d.spec?.template?.spec?.containers?.[0]?.env?.find((e) => e.name === 'NODE_OPTIONS')?.value ?? '';
  }
  return '';
}

it('measures the latency meshgate adds to creates through the API server', async () => {
  const cluster = await startCluster({ progress });
  const dir = mkdtempSync(join(tmpdir(), 'meshgate-bench-apiserver-'));
  let mg: Meshgate | undefined;
  const api = apiClient(cluster);
  try {
    const nodeOptions = deploymentNodeOptions();
    mg = await startMeshgate({ dir, progress, env: { NODE_OPTIONS: nodeOptions } });
    const yamlText = await renderWebhooks(mg);
    for (const ns of [INJECT_NS, VALIDATE_NS]) {
      await cluster.kubectl.ok(['create', 'namespace', ns]);
      await waitForServiceAccount(cluster.kubectl, ns);
    }
    await cluster.kubectl.ok(['label', 'namespace', INJECT_NS, 'istio-injection=enabled']);
    // The Pod runs as its own ServiceAccount, which Pod admission requires to exist.
    const account = (workloads()[0]?.object('x')['spec'] as { serviceAccountName?: string } | undefined)?.serviceAccountName ?? 'default';
    if (account !== 'default') await cluster.kubectl.ok(['create', 'serviceaccount', account, '-n', INJECT_NS]);
    const results: Record<string, Result> = {};
    for (const w of workloads()) {
      const samples: Record<'with' | 'without', number[]> = { with: [], without: [] };
      const handler = { sum: 0, count: 0 };
      const webhookCall = { sum: 0, count: 0 };
      const problems: string[] = [];
      await setWebhooks(cluster, api, yamlText, true);
      for (let i = 0; i < WARMUP; i++) await api.post(w.path, JSON.stringify(w.object(`${w.name}-warm-${i}`)));
      for (let block = 0; block < (2 * CREATES) / BLOCK; block++) {
        // with, without, without, with, ...: each state follows the other equally often.
        const on = block % 4 === 0 || block % 4 === 3;
        await setWebhooks(cluster, api, yamlText, on);
        const before = on ? await handlerTime(mg, w.histogram) : undefined;
        const callsBefore = on ? await apiServerWebhookTime(api) : undefined;
        for (let i = 0; i < BLOCK; i++) {
          const res = await api.post(w.path, JSON.stringify(w.object(`${w.name}-${block}-${i}`)));
          if (res.status !== 201) problems.push(`HTTP ${res.status}: ${res.body.slice(0, 300)}`);
          else {
            const p = w.check(JSON.parse(res.body) as Obj, on);
            if (p) problems.push(p);
          }
          samples[on ? 'with' : 'without'].push(res.ms);
        }
        if (before && callsBefore) {
          const callsAfter = await apiServerWebhookTime(api);
          webhookCall.sum += callsAfter.sum - callsBefore.sum;
          webhookCall.count += callsAfter.count - callsBefore.count;
          const after = await handlerTime(mg, w.histogram);
          handler.sum += after.sum - before.sum;
          handler.count += after.count - before.count;
        }
        const done = samples.with.length + samples.without.length;
        progress(
          `${w.name}: ${done}/${2 * CREATES} creates (block ${block + 1}, webhooks ${on ? 'on' : 'off'}, p50 so far ${stats(samples.with).p50} ms with / ${stats(samples.without).p50} ms without)`,
        );
      }
      if (problems.length > 0) throw new Error(`${w.name}: ${problems.length} creates went wrong, first: ${problems[0] ?? ''}`);
      const withW = stats(samples.with);
      const without = stats(samples.without);
      const r = (n: number): number => Math.round(n * 100) / 100;
      results[w.name] = {
        with: withW,
        without,
        added: { p50: r(withW.p50 - without.p50), p90: r(withW.p90 - without.p90), p99: r(withW.p99 - without.p99), mean: r(withW.mean - without.mean) },
        meshgateHandlerMeanMs: handler.count > 0 ? r((handler.sum / handler.count) * 1000) : null,
        meshgateCalls: handler.count,
        apiServerWebhookCallMeanMs: webhookCall.count > 0 ? r((webhookCall.sum / webhookCall.count) * 1000) : null,
      };
    }
    const rss = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${mg.daemon.pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
    const out = {
      date: new Date().toISOString(),
      node: process.version,
      nodeOptions,
      creates: CREATES,
      block: BLOCK,
      load: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number),
      meshgateRssMiB: Math.round(rss * 10) / 10,
      results,
    };
    const file = join(REPO_ROOT, 'bench', 'results', `${out.date.slice(0, 19).replace(/:/g, '-')}-apiserver.json`);
    mkdirSync(join(REPO_ROOT, 'bench', 'results'), { recursive: true });
    writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
    console.log('\nkind            | with p50 / p99 ms | without p50 / p99 ms | added p50 / p99 ms | webhook call mean ms (API server) | meshgate handler mean ms');
    for (const [name, x] of Object.entries(results)) {
      console.log(
        `${name.padEnd(15)} | ${x.with.p50} / ${x.with.p99} | ${x.without.p50} / ${x.without.p99} | ${x.added.p50} / ${x.added.p99} | ${String(x.apiServerWebhookCallMeanMs)} | ${String(x.meshgateHandlerMeanMs)}`,
      );
    }
    console.log(`wrote ${file}`);
  } finally {
    api.close();
    await mg?.stop();
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
