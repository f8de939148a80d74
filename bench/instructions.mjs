// `npm run bench:instructions`: machine instructions per request, counted by valgrind's
// callgrind, for meshgate and the ceiling server (bench/ceiling.mjs) on the same bodies as
// `npm run bench`. Unlike r/s or CPU time this does not move with other load on a shared
// machine, so it shows a change of a few percent. Each server runs under callgrind (all its
// threads: JIT compilers and GC helpers included); after a warm-up the counters are zeroed
// (`callgrind_control -z`), N requests are sent one after another over one keep-alive HTTPS
// connection, and the counters are dumped (`callgrind_control -d`): the total over N.
// (A split by function is not offered: after `callgrind_control -z` callgrind charges the
// window's cost to the frames on the stack, __libc_start_main first, not to what ran.)
//   node bench/instructions.mjs [--only NAME[,NAME]] [--requests N] [--warmup N]
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { WORKLOADS } from './data/make.mjs';
import { ROOT, certDir, deploymentNodeOptions, freePort, httpsGet, serveArgv } from '../scripts/lib.mjs';

const { values: opts } = parseArgs({
  options: {
    only: { type: 'string' },
    requests: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '400' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (opts.help) {
  console.log(`Usage: npm run bench:instructions -- [--only NAME[,NAME]] [--requests N] [--warmup N]

Counts the machine instructions per request (valgrind's callgrind) of meshgate and of the ceiling
server on the bodies in bench/data, and writes bench/results/instructions-<date>.json.
  --only       workloads, comma-separated (default: all of ${Object.keys(WORKLOADS).join(', ')})
  --requests   measured requests per workload (default 200)
  --warmup     requests before the counters are zeroed (default 400)`);
  process.exit(0);
}
const N = Number(opts.requests);
const WARMUP = Number(opts.warmup);
const log = (msg) => process.stderr.write(`[instructions] ${msg}\n`);
const routeOf = (name) => (name.startsWith('inject') ? '/inject' : '/validate');
const agent = new Agent({ keepAlive: true, maxSockets: 1, rejectUnauthorized: false });

function post(port, path, body, workload) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', agent, headers: { 'content-type': 'application/json', 'x-bench-workload': workload } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks).toString('utf8')) : reject(new Error(`${workload}: HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Starts `args` under callgrind with collection on; resolves when `readyPath` answers over HTTPS (200, or anything when `anyStatus`). */
async function underCallgrind(name, args, port, readyPath, outDir, anyStatus = false) {
  const child = spawn(
    'valgrind',
    ['--tool=callgrind', `--callgrind-out-file=${join(outDir, `${name}.%p`)}`, '--dump-instr=no', '--compress-strings=no', process.execPath, ...args],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '';
  child.stderr.on('data', (c) => (err = (err + c).slice(-4000)));
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`${name} under callgrind exited ${child.exitCode}: ${err}`);
    if (
      await httpsGet(port, readyPath).then(
        (r) => anyStatus || r.status === 200,
        () => false,
      )
    )
      break;
    if (i > 3000) {
      child.kill('SIGKILL');
      throw new Error(`${name} under callgrind did not come up in 10 minutes`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return child;
}

/** Instructions counted since the last zeroing: dumps and reads the newest dump's totals. */
function dumpTotal(pid, outDir) {
  const before = new Set(readdirSync(outDir));
  execFileSync('callgrind_control', ['-d', String(pid)], { stdio: 'ignore' });
  const dump = readdirSync(outDir).find((f) => !before.has(f) && f.includes(String(pid)));
  if (!dump) throw new Error(`no callgrind dump from ${pid}`);
  const text = readFileSync(join(outDir, dump), 'utf8');
  const m = text.match(/^(?:summary|totals): (\d+)/m);
  if (!m) throw new Error(`no totals in ${dump}`);
  rmSync(join(outDir, dump));
  return Number(m[1]);
}

async function measure(child, port, workloads, bodies, outDir) {
  const out = {};
  for (const n of workloads) {
    for (let i = 0; i < WARMUP; i++) await post(port, routeOf(n), bodies[n], n);
    execFileSync('callgrind_control', ['-z', String(child.pid)], { stdio: 'ignore' });
    for (let i = 0; i < N; i++) await post(port, routeOf(n), bodies[n], n);
    out[n] = Math.round(dumpTotal(child.pid, outDir) / N);
    log(`${n}: ${(out[n] / 1e6).toFixed(2)} M instructions per request`);
  }
  return out;
}

function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

async function main() {
  execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
  const names = Object.keys(WORKLOADS).filter((n) => !opts.only || opts.only.split(',').includes(n));
  const bodies = Object.fromEntries(names.map((n) => [n, readFileSync(join(ROOT, 'bench', 'data', `${n}.json`))]));
  const outDir = mkdtempSync(join(tmpdir(), 'meshgate-callgrind-'));
  const certs = certDir();
  const results = { meshgate: {}, ceiling: {} };
  try {
    const port = await freePort();
    log(`meshgate under callgrind (${deploymentNodeOptions().join(' ')}); ${WARMUP} warm-up and ${N} measured requests per workload`);
    const mg = await underCallgrind('meshgate', serveArgv(port, certs.dir, { serveArgs: ['--log-level', 'info'] }), port, '/readyz', outDir);
    const canned = {};
    try {
      for (const n of names) canned[n] = await post(port, routeOf(n), bodies[n], n);
      results.meshgate = await measure(mg, port, names, bodies, outDir);
    } finally {
      await stop(mg);
    }
    const cannedFile = join(outDir, 'canned.json');
    writeFileSync(cannedFile, JSON.stringify(canned));
    const cport = await freePort();
    log('ceiling under callgrind');
    const ceil = await underCallgrind(
      'ceiling',
      [join(ROOT, 'bench', 'ceiling.mjs'), '--port', String(cport), '--cert', join(certs.dir, 'tls.crt'), '--key', join(certs.dir, 'tls.key'), '--canned', cannedFile],
      cport,
      '/',
      outDir,
      true,
    );
    try {
      results.ceiling = await measure(ceil, cport, names, bodies, outDir);
    } finally {
      await stop(ceil);
    }
  } finally {
    agent.destroy();
    certs.cleanup();
    rmSync(outDir, { recursive: true, force: true });
  }
  const lines = [`${'workload'.padEnd(26)}${'meshgate M instr/req'.padStart(22)}${'ceiling M instr/req'.padStart(21)}${'× ceiling'.padStart(11)}`];
  for (const n of names) {
    const m = results.meshgate[n];
    const c = results.ceiling[n];
    lines.push(`${n.padEnd(26)}${(m / 1e6).toFixed(2).padStart(22)}${(c / 1e6).toFixed(2).padStart(21)}${(m / c).toFixed(2).padStart(11)}`);
  }
  console.log(lines.join('\n'));
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `instructions-${new Date().toISOString().replace(/[:]/g, '-').replace(/\..+$/, '')}.json`);
  writeFileSync(
    file,
    JSON.stringify(
      { date: new Date().toISOString(), node: process.version, requests: N, warmup: WARMUP, nodeOptions: deploymentNodeOptions(), instructionsPerRequest: results },
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
