// `npm run bench:rss`: meshgate's memory in cluster mode, where it loads the Kubernetes client:
// a throw-away API server from the e2e harness (cached binaries), the install's ServiceAccount
// and RBAC, two replicas of `meshgate serve --cluster` with the Deployment's heap limit, then
// resident memory (VmRSS from /proc) idle, under a minute-long stream of /inject and /validate
// requests (eight keep-alive connections), and idle again. Prints and writes bench/results/rss-<label>-<date>.json
// (MESHGATE_BENCH_LABEL names the build being measured). Nothing is asserted: machines are noisy.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'node:https';
import { it } from 'vitest';
import { startCluster, stderrProgress, waitForServiceAccount } from '../test/e2e/cluster/index.js';
import { freePort } from '../test/e2e/cluster/net.js';
import { startDaemon, type Daemon } from '../test/e2e/cluster/proc.js';
import { REPO_ROOT } from '../test/e2e/cluster/versions.js';
import { applyWebhooks, installRbac, waitReady } from '../test/e2e/cluster-mode.js';
import { serviceAccountKubeconfig } from '../test/e2e/helm-install.js';

interface Replica {
  readonly name: string;
  readonly url: string;
  readonly daemon: Daemon;
}

/** `meshgate serve --cluster` as the Deployment runs it (heap limit included), on 127.0.0.1. */
/** The Deployment's Node options (heap cap and semi-space), as manifests/deployment.yaml sets them. */
function deploymentNodeOptions(): string {
  return (readFileSync(join(REPO_ROOT, 'manifests', 'deployment.yaml'), 'utf8').match(/--max-(?:old|semi)-space-size=\d+/g) ?? []).join(' ');
}

async function startReplica(dir: string, name: string, kubeconfig: string): Promise<Replica> {
  const port = await freePort();
  const args = [
    join(REPO_ROOT, 'bin', 'meshgate.js'),
    'serve',
    '--cluster',
    '--kubeconfig',
    kubeconfig,
    '--namespace',
    'meshgate-system',
    '--listen',
    `127.0.0.1:${port}`,
    '--cert-dir',
    join(dir, name, 'certs'),
    '--cert-extra-sans',
    '127.0.0.1',
    '--log-level',
    'warn',
  ];
  const env = { ...process.env, NODE_OPTIONS: deploymentNodeOptions() };
  const daemon = startDaemon({ name, cmd: process.execPath, args, logFile: join(dir, `${name}.log`), cwd: REPO_ROOT, env });
  return { name, url: `https://127.0.0.1:${port}`, daemon };
}

const progress = stderrProgress();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const rssMB = (pid: number): number => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const round = (n: number): number => Math.round(n * 10) / 10;

async function sample(pids: readonly number[], ms: number): Promise<number[][]> {
  const out: number[][] = pids.map(() => []);
  for (let t = 0; t < ms; t += 500) {
    pids.forEach((p, i) => out[i]?.push(rssMB(p)));
    await sleep(500);
  }
  return out;
}

function post(agent: Agent, url: string, body: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST', agent, rejectUnauthorized: false, headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

/** Eight keep-alive connections posting `body` back to back for `seconds`; counts requests and failures. */
async function load(url: string, body: string, seconds: number): Promise<{ total: number; errors: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  const until = Date.now() + seconds * 1000;
  const counts = { total: 0, errors: 0 };
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (Date.now() < until) {
        const status = await post(agent, url, body);
        counts.total++;
        if (status !== 200) counts.errors++;
      }
    }),
  );
  agent.destroy();
  return counts;
}

it('measures cluster-mode RSS', async () => {
  const cluster = await startCluster({ progress });
  const dir = mkdtempSync(join(tmpdir(), 'meshgate-rss-'));
  const replicas: Replica[] = [];
  try {
    const k = cluster.kubectl;
    await k.ok(['create', 'namespace', 'meshgate-system']);
    await waitForServiceAccount(k, 'meshgate-system');
    await installRbac(k);
    const kubeconfig = await serviceAccountKubeconfig(k, cluster.server, cluster.caFile, 'meshgate-system', 'meshgate', join(dir, 'sa.kubeconfig'));
    for (const name of ['replica-a', 'replica-b']) replicas.push(await startReplica(dir, name, kubeconfig));
    await applyWebhooks(k, replicas[0]?.url ?? '');
    await Promise.all(replicas.map((r) => waitReady({ ...r, port: 0, logFile: '', stop: () => r.daemon.stop() })));
    const pids = replicas.map((r) => r.daemon.pid);
    progress('idle 30 s');
    await sleep(20_000);
    const idle = await sample(pids, 10_000);
    const pod = readFileSync(join(REPO_ROOT, 'examples', 'admissionreview-pod.json'), 'utf8');
    const vs = readFileSync(join(REPO_ROOT, 'examples', 'admissionreview-virtualservice.json'), 'utf8');
    progress('load: /inject then /validate, 30 s each, on replica-a');
    const during = sample(pids, 60_000);
    const inject = await load(`${replicas[0]?.url}/inject`, pod, 30);
    const validate = await load(`${replicas[0]?.url}/validate`, vs, 30);
    const loaded = await during;
    progress('idle again 20 s');
    const after = await sample(pids, 20_000);
    const result = {
      label: process.env['MESHGATE_BENCH_LABEL'] ?? 'unlabelled',
      node: process.version,
      date: new Date().toISOString(),
      idleMedianMB: idle.map((s) => round(median(s))),
      loadedMaxMB: loaded.map((s) => round(Math.max(...s))),
      afterMedianMB: after.map((s) => round(median(s))),
      requests: { inject: inject.total, validate: validate.total, errors: inject.errors + validate.errors },
    };
    console.log(JSON.stringify(result));
    mkdirSync(join(REPO_ROOT, 'bench', 'results'), { recursive: true });
    writeFileSync(join(REPO_ROOT, 'bench', 'results', `rss-${result.label}-${result.date.slice(0, 19).replace(/:/g, '-')}.json`), `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    for (const r of replicas) await r.daemon.stop();
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}, 600_000);
