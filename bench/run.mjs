// `npm run bench`: drives `meshgate serve` (production build) and a do-nothing ceiling server
// with the same fastify + TLS set-up, over HTTPS keep-alive connections, with autocannon;
// reports each workload's throughput as a ratio to the ceiling, latency percentiles, the
// server-side time per request, a size sweep for /inject, and RSS at the end. Writes
// bench/results/<date>.json. Nothing here is asserted: machines are noisy (bench/README.md).
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { request } from 'node:https';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { WORKLOADS, podOfSize } from './data/make.mjs';
import { cpuMicros, deploymentNodeOptions, freePort, httpsGet, metric, startMeshgate } from '../scripts/lib.mjs';
import { ISTIO_WEBHOOK_CPU_US, istioTemplateFlags } from './istio-templates.mjs';
import { startIstioPeer } from './istio-peer.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '16' },
    only: { type: 'string' },
    'no-sweep': { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    peer: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (opts.help) {
  console.log(`Usage: npm run bench -- [--duration S] [--connections N] [--only NAME[,NAME]] [--no-sweep] [--cpu-prof] [--peer istio]

Workloads (bodies in bench/data/): ${Object.keys(WORKLOADS).join(', ')}.
--cpu-prof starts meshgate with --cpu-prof and leaves the profile in bench/results/.
--peer istio also runs Istio's own webhooks (built from the istio.io/istio module by the
differential suite's harness) on the same payloads, and reports req/s, p50/p99 and server CPU
microseconds per request (from /proc/<pid>/stat) for both.
When the harness is built (npm run test:differential -- --build-only, or --peer istio), the
/inject workloads run once more on a meshgate loaded with Istio's own chart templates, and
their server CPU is set beside the built-in templates' and Istio's webhook's.`);
  process.exit(0);
}
if (opts.peer !== undefined && opts.peer !== 'istio') {
  console.error(`--peer must be "istio", got ${JSON.stringify(opts.peer)}`);
  process.exit(2);
}
const DURATION = Number(opts.duration);
const CONNECTIONS = Number(opts.connections);
const log = (msg) => process.stderr.write(`[bench] ${msg}\n`);

function post(port, path, body, workload) {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'POST', rejectUnauthorized: false, headers: { 'content-type': 'application/json', 'x-bench-workload': workload } },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function waitReady(port) {
  for (let i = 0; i < 200; i++) {
    if (
      await httpsGet(port, '/').then(
        () => true,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server on ${port} did not come up`);
}

function start(args, name) {
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (c) => (err += c));
  child.on('exit', (code, signal) => {
    if (code && !child.stopping) log(`${name} exited ${code}: ${err.slice(-2000)}`);
    if (signal && !child.stopping) log(`${name} killed by ${signal}`);
  });
  return child;
}

function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.stopping = true;
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Sum and count of a Prometheus histogram, from /metrics text. */
function histogram(text, name) {
  const num = (suffix) => Number(text.match(new RegExp(`^${name}_${suffix} (\\S+)$`, 'm'))?.[1] ?? 0);
  return { sum: num('sum'), count: num('count') };
}

function cannon(port, path, body, workload, connections, duration) {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `https://127.0.0.1:${port}${path}`,
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', 'x-bench-workload': workload },
        connections,
        duration,
        pipelining: 1,
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
}

function summarize(r) {
  return {
    reqPerSec: Math.round(r.requests.average),
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    maxMs: r.latency.max,
    requests: r.requests.total,
    errors: r.errors + r.timeouts + (r.non2xx ?? 0),
  };
}

function routeOf(name) {
  return name.startsWith('inject') ? '/inject' : '/validate';
}

/** Runs the load and measures the server's CPU time per completed request, in microseconds. */
async function withCpu(pid, fn) {
  const before = cpuMicros(pid);
  const r = await fn();
  return { ...r, cpuUsPerReq: r.requests > 0 ? Math.round((cpuMicros(pid) - before) / r.requests) : null };
}

/**
 * The /inject workloads once more, on a meshgate configured with Istio's own templates, next to
 * the built-in templates' CPU and Istio's webhook's: measured here with --peer istio, otherwise
 * the figure measured once on this project's machine (ISTIO_WEBHOOK_CPU_US, a 4 KB Pod).
 */
async function istioTemplateRows(names, bodies, rows, harness) {
  const chart = istioTemplateFlags(root, harness);
  if (!chart.flags) {
    log(`Istio's templates: skipped, ${chart.reason}`);
    return [];
  }
  const mg = await startMeshgate({ serveArgs: ['--log-level', 'info', ...chart.flags] });
  const out = [];
  try {
    for (const n of names.filter((x) => x.startsWith('inject'))) {
      const res = await post(mg.port, '/inject', bodies[n], n);
      if (res.status !== 200 || !JSON.parse(res.body).response.patch) throw new Error(`${n} with Istio's templates: ${res.body.slice(0, 300)}`);
      await cannon(mg.port, '/inject', bodies[n], n, CONNECTIONS, 2);
      log(`${n}: meshgate with Istio's templates ${DURATION}s × ${CONNECTIONS} connections`);
      let r;
      const handler = await serverSeconds(mg.port, 'sidecar_injection_time_seconds', async () => {
        r = await withCpu(mg.child.pid, async () => summarize(await cannon(mg.port, '/inject', bodies[n], n, CONNECTIONS, DURATION)));
      });
      const row = rows.find((x) => x.workload === n);
      const istioCpuUs = row?.istio?.cpuUsPerReq ?? null;
      out.push({
        workload: n,
        requestKB: +(bodies[n].length / 1024).toFixed(1),
        reqPerSec: r.reqPerSec,
        handlerMs: +(handler * 1000).toFixed(3),
        cpuUs: r.cpuUsPerReq,
        builtinCpuUs: row?.meshgate.cpuUsPerReq ?? null,
        istioCpuUs,
        istioCpuMeasured: istioCpuUs !== null,
      });
    }
  } finally {
    await mg.stop();
  }
  return out;
}

/** Istio's side of one workload: a warm-up, then the same load as meshgate's. */
async function peerRun(peer, n, path, body) {
  await cannon(peer.port, path, body, n, CONNECTIONS, 2);
  log(`${n}: Istio ${DURATION}s × ${CONNECTIONS} connections`);
  return withCpu(peer.pid, async () => summarize(await cannon(peer.port, path, body, n, CONNECTIONS, DURATION)));
}

async function checkPeer(peer, names, bodies) {
  for (const n of names) {
    const res = await post(peer.port, routeOf(n), bodies[n], n);
    if (res.status !== 200) throw new Error(`${n}: Istio answered HTTP ${res.status}: ${res.body.slice(0, 300)}`);
    const response = JSON.parse(res.body).response;
    log(`${n}: Istio → ${(res.body.length / 1024).toFixed(1)} KB (allowed=${response.allowed}${response.patch ? ', patched' : ''})`);
  }
}

/** Mean handler seconds per request over `fn`, from the route's histogram in /metrics. */
async function serverSeconds(port, metric, fn) {
  const t0 = (await httpsGet(port, '/metrics')).text;
  await fn();
  const t1 = (await httpsGet(port, '/metrics')).text;
  const before = histogram(t0, metric);
  const after = histogram(t1, metric);
  const n = after.count - before.count;
  return n > 0 ? (after.sum - before.sum) / n : NaN;
}

async function main() {
  const outDir = join(root, 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  log(
    `load average at the start: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(', ')}`,
  );
  log(`machine: ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);
  const names = Object.keys(WORKLOADS).filter((n) => !opts.only || opts.only.split(',').includes(n));
  const bodies = Object.fromEntries(names.map((n) => [n, readFileSync(join(root, 'bench', 'data', `${n}.json`))]));
  log(`starting meshgate serve with the Node options of manifests/deployment.yaml: ${deploymentNodeOptions().join(' ') || '(none)'}`);
  const mesh = await startMeshgate({ nodeArgs: opts['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${outDir}`] : [], serveArgs: ['--log-level', 'info'] });
  const meshPort = mesh.port;
  const dir = mesh.certDir;

  const canned = {};
  for (const n of names) {
    const res = await post(meshPort, routeOf(n), bodies[n], n);
    if (res.status !== 200) throw new Error(`${n}: meshgate answered HTTP ${res.status}: ${res.body.slice(0, 300)}`);
    const response = JSON.parse(res.body).response;
    log(
      `${n}: request ${(bodies[n].length / 1024).toFixed(1)} KB → response ${(res.body.length / 1024).toFixed(1)} KB (allowed=${response.allowed}${response.patch ? ', patched' : ''}${response.status ? `, ${response.status.message.slice(0, 80)}` : ''})`,
    );
    canned[n] = res.body;
  }
  const cannedFile = join(outDir, `.canned-${process.pid}.json`);
  writeFileSync(cannedFile, JSON.stringify(canned));
  const ceilPort = await freePort();
  const ceiling = start(
    [join(root, 'bench', 'ceiling.mjs'), '--port', String(ceilPort), '--cert', join(dir, 'tls.crt'), '--key', join(dir, 'tls.key'), '--canned', cannedFile],
    'ceiling',
  );
  await waitReady(ceilPort);
  const peer = opts.peer === 'istio' ? await startIstioPeer(log) : undefined;
  if (peer) await checkPeer(peer, names, bodies);

  const rows = [];
  try {
    for (const n of names) {
      const path = routeOf(n);
      log(`${n}: warm-up`);
      await cannon(meshPort, path, bodies[n], n, CONNECTIONS, 2);
      await cannon(ceilPort, path, bodies[n], n, CONNECTIONS, 2);
      log(`${n}: ceiling ${DURATION}s × ${CONNECTIONS} connections`);
      const ceil = await withCpu(ceiling.pid, async () => summarize(await cannon(ceilPort, path, bodies[n], n, CONNECTIONS, DURATION)));
      log(`${n}: meshgate ${DURATION}s × ${CONNECTIONS} connections`);
      let mg;
      const metric = path === '/inject' ? 'sidecar_injection_time_seconds' : 'meshgate_validation_time_seconds';
      const handlerSeconds = await serverSeconds(
        meshPort,
        metric,
        async () => (mg = await withCpu(mesh.child.pid, async () => summarize(await cannon(meshPort, path, bodies[n], n, CONNECTIONS, DURATION)))),
      );
      const istio = peer ? await peerRun(peer, n, path, bodies[n]) : undefined;
      rows.push({
        workload: n,
        requestKB: +(bodies[n].length / 1024).toFixed(1),
        ceiling: ceil,
        meshgate: mg,
        ratio: +(mg.reqPerSec / ceil.reqPerSec).toFixed(3),
        handlerMs: Number.isNaN(handlerSeconds) ? null : +(handlerSeconds * 1000).toFixed(3),
        ...(istio ? { istio } : {}),
      });
    }

    const sweep = [];
    if (!opts['no-sweep']) {
      for (const kb of [5, 20, 50, 100, 200]) {
        const body = Buffer.from(JSON.stringify(podOfSize(kb)));
        log(`sweep ${kb} KB: 1 connection, ${Math.max(3, DURATION / 2)}s`);
        await cannon(meshPort, '/inject', body, 'sweep', 1, 1);
        let r;
        const s = await serverSeconds(
          meshPort,
          'sidecar_injection_time_seconds',
          async () => (r = summarize(await cannon(meshPort, '/inject', body, 'sweep', 1, Math.max(3, DURATION / 2)))),
        );
        sweep.push({ sizeKB: +(body.length / 1024).toFixed(1), handlerMs: +(s * 1000).toFixed(3), p50Ms: r.p50Ms, p99Ms: r.p99Ms, reqPerSec: r.reqPerSec, errors: r.errors });
      }
    }
    const memory = memoryOf((await httpsGet(meshPort, '/metrics')).text);
    const istioTemplates = await istioTemplateRows(names, bodies, rows, peer?.binary);
    report({ rows, sweep, istioTemplates, memory, outDir });
  } finally {
    await peer?.stop();
    await stop(ceiling);
    await mesh.stop();
    rmSync(cannedFile, { force: true });
  }
}

function pad(s, n) {
  return String(s).padStart(n);
}

/** meshgate's memory at the end (MB): resident, and how much of it is V8's heap and external buffers. */
function memoryOf(text) {
  const mb = (name) => +(metric(text, name) / 2 ** 20).toFixed(1);
  return {
    rssMB: mb('process_resident_memory_bytes'),
    heapTotalMB: mb('nodejs_heap_size_total_bytes'),
    heapUsedMB: mb('nodejs_heap_size_used_bytes'),
    externalMB: mb('nodejs_external_memory_bytes'),
  };
}

function report({ rows, sweep, istioTemplates, memory, outDir }) {
  const lines = [];
  lines.push(
    `${'workload'.padEnd(26)}${pad('KB', 7)}${pad('ceiling r/s', 13)}${pad('meshgate r/s', 14)}${pad('ratio', 8)}${pad('p50 ms', 9)}${pad('p99 ms', 9)}${pad('max ms', 9)}${pad('handler ms', 12)}${pad('CPU µs/req', 12)}${pad('ceiling µs', 12)}${pad('errors', 8)}`,
  );
  for (const r of rows) {
    lines.push(
      `${r.workload.padEnd(26)}${pad(r.requestKB, 7)}${pad(r.ceiling.reqPerSec, 13)}${pad(r.meshgate.reqPerSec, 14)}${pad(r.ratio.toFixed(2), 8)}${pad(r.meshgate.p50Ms, 9)}${pad(r.meshgate.p99Ms, 9)}${pad(r.meshgate.maxMs, 9)}${pad(r.handlerMs ?? '-', 12)}${pad(r.meshgate.cpuUsPerReq ?? '-', 12)}${pad(r.ceiling.cpuUsPerReq ?? '-', 12)}${pad(r.meshgate.errors + r.ceiling.errors, 8)}`,
    );
  }
  if (sweep.length > 0) {
    const base = sweep[0].handlerMs;
    lines.push('', `/inject size sweep (1 connection): ${'KB'.padStart(6)}${pad('handler ms', 12)}${pad('× 5 KB', 9)}${pad('p50 ms', 9)}${pad('p99 ms', 9)}${pad('r/s', 8)}`);
    for (const s of sweep)
      lines.push(`${''.padEnd(35)}${pad(s.sizeKB, 6)}${pad(s.handlerMs, 12)}${pad((s.handlerMs / base).toFixed(1), 9)}${pad(s.p50Ms, 9)}${pad(s.p99Ms, 9)}${pad(s.reqPerSec, 8)}`);
  }
  if (rows.some((r) => r.istio)) {
    lines.push('', `with Istio's webhook on the same payloads (server CPU µs per request from /proc/<pid>/stat):`);
    lines.push(
      `${'workload'.padEnd(26)}${pad('KB', 7)}${pad('meshgate r/s', 14)}${pad('p50/p99 ms', 12)}${pad('CPU µs', 9)}${pad('Istio r/s', 11)}${pad('p50/p99 ms', 12)}${pad('CPU µs', 9)}`,
    );
    for (const r of rows.filter((x) => x.istio)) {
      const m = r.meshgate;
      const i = r.istio;
      lines.push(
        `${r.workload.padEnd(26)}${pad(r.requestKB, 7)}${pad(m.reqPerSec, 14)}${pad(`${m.p50Ms}/${m.p99Ms}`, 12)}${pad(m.cpuUsPerReq ?? '-', 9)}${pad(i.reqPerSec, 11)}${pad(`${i.p50Ms}/${i.p99Ms}`, 12)}${pad(i.cpuUsPerReq ?? '-', 9)}`,
      );
    }
  }
  if (istioTemplates.length > 0) {
    const measured = istioTemplates.every((r) => r.istioCpuMeasured);
    const istioNote = measured
      ? "Istio's webhook measured in this run (--peer istio)"
      : `Istio's webhook ${ISTIO_WEBHOOK_CPU_US} µs per 4 KB Pod, measured once on this machine; --peer istio measures it`;
    lines.push('', `server CPU per /inject request (µs), built-in templates vs Istio's own templates (pinned release) vs ${istioNote}:`);
    lines.push(
      `${'workload'.padEnd(26)}${pad('KB', 7)}${pad('built-in', 10)}${pad("Istio's tpl", 13)}${pad('handler ms', 12)}${pad('r/s', 8)}${pad('Istio', 8)}${pad('× Istio', 9)}`,
    );
    for (const r of istioTemplates) {
      const istioCpu = r.istioCpuUs ?? ISTIO_WEBHOOK_CPU_US;
      lines.push(
        `${r.workload.padEnd(26)}${pad(r.requestKB, 7)}${pad(r.builtinCpuUs ?? '-', 10)}${pad(r.cpuUs ?? '-', 13)}${pad(r.handlerMs, 12)}${pad(r.reqPerSec, 8)}${pad(istioCpu, 8)}${pad(r.cpuUs === null ? '-' : (r.cpuUs / istioCpu).toFixed(2), 9)}`,
      );
    }
  }
  lines.push(
    '',
    `load average (1, 5, 15 min) at the end: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(', ')}`,
  );
  lines.push(`meshgate RSS after the run: ${memory.rssMB} MB (V8 heap ${memory.heapTotalMB} MB, ${memory.heapUsedMB} MB used; external ${memory.externalMB} MB)`);
  console.log(lines.join('\n'));
  const stamp = new Date().toISOString().replace(/[:]/g, '-').replace(/\..+$/, '');
  const file = join(outDir, `${stamp}.json`);
  writeFileSync(
    file,
    JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model,
        durationS: DURATION,
        connections: CONNECTIONS,
        rows,
        sweep,
        istioTemplates,
        rssMB: memory.rssMB,
        memory,
        nodeOptions: deploymentNodeOptions(),
        loadAverage: loadavg(),
      },
      null,
      2,
    ),
  );
  console.log(`results written to ${file}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
