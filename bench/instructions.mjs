// `npm run bench:instructions`: machine instructions per request, counted by valgrind's
// callgrind, for meshgate and the ceiling server (bench/ceiling.mjs) on the same bodies as
// `npm run bench`. Unlike r/s or CPU time this does not move with other load on a shared
// machine, so it shows a change of a few percent. Each server runs under callgrind (all its
// threads: JIT compilers and GC helpers included); after a warm-up the counters are zeroed
// (`callgrind_control -z`), N requests are sent one after another over one keep-alive HTTPS
// connection, and the counters are dumped (`callgrind_control -d`): the total over N.
// `--annotate` also splits each measured window by what ran (callgrind_annotate's functions,
// grouped: JavaScript compiled by V8, JSON, garbage collection, TLS and crypto, ...).
//   node bench/instructions.mjs [--only NAME[,NAME]] [--requests N] [--warmup N] [--annotate]
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { WORKLOADS } from './data/make.mjs';
import { ROOT, certDir, deploymentNodeOptions, freePort, httpsGet } from '../scripts/lib.mjs';

const { values: opts } = parseArgs({
  options: {
    only: { type: 'string' },
    requests: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '400' },
    annotate: { type: 'boolean', default: false },
  },
});
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
  const child = spawn('valgrind', ['--tool=callgrind', `--callgrind-out-file=${join(outDir, `${name}.%p`)}`, '--dump-instr=no', '--compress-strings=no', process.execPath, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (c) => (err = (err + c).slice(-4000)));
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`${name} under callgrind exited ${child.exitCode}: ${err}`);
    if (await httpsGet(port, readyPath).then((r) => anyStatus || r.status === 200, () => false)) break;
    if (i > 3000) {
      child.kill('SIGKILL');
      throw new Error(`${name} under callgrind did not come up in 10 minutes`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return child;
}

/** What a function found by callgrind belongs to, by its symbol and object file. */
function groupOf(fn, obj) {
  if (obj === '???' || /^0x[0-9a-f]+$/.test(fn)) return 'JavaScript compiled by V8 (meshgate, fastify, pino, ...)';
  if (/Json|JSON/.test(fn)) return 'JSON parse and stringify (V8)';
  if (/Deserializer|Snapshot/.test(fn)) return 'other native (V8 runtime, ...)';
  if (/Scaveng|MarkCompact|Marking|Sweep|Evacuat|Heap::|GCTracer|heap::base|cppgc|Worklist|RememberedSet|SlotSet|MemoryChunk|PageMetadata|MinorMS|Marker|Collector/.test(fn)) return 'garbage collection';
  if (/ssl|SSL|aes|AES|gcm|GCM|ghash|gcm_|sha|SHA|EVP|ossl|OSSL|crypto|CRYPTO|BIO|bn_|BN_|tls|TLS|Tls/.test(fn)) return 'TLS and crypto (OpenSSL)';
  if (/Builtins_(String|Utf8|Utf16)|Utf8|simdutf|String::|StringTable|base64|Base64/.test(fn)) return 'strings, UTF-8 and base64';
  if (/Builtins_/.test(fn)) return 'V8 builtins (objects, arrays, regexps, calls)';
  if (/Compiler|compiler|Maglev|maglev|Turbofan|Sparkplug|baseline|Parser|Parse|Scanner|Bytecode|Interpreter|Deoptimizer/.test(fn)) return 'V8 compilers and interpreter';
  if (/uv_|libuv|epoll|node::|Stream|stream/.test(fn)) return 'Node and libuv (HTTP parser, streams, sockets)';
  if (/mem(cpy|move|set|cmp)|malloc|free|calloc|realloc|_int_|libc/.test(fn)) return 'libc (memory)';
  return 'other native (V8 runtime, ...)';
}

/** Instructions per function group in a dump, from callgrind_annotate. */
function annotate(file) {
  const text = execFileSync('callgrind_annotate', ['--inclusive=no', '--threshold=99.9', file], { encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
  const groups = {};
  for (const line of text.split('\n')) {
    const m = line.match(/^\s*([\d,]+) \(\s*[\d.]+%\)\s+(.+)$/);
    if (!m || /PROGRAM TOTALS/.test(m[2])) continue;
    // `file:function [object]`; the file is ??? without debug information.
    const parts = m[2].match(/^([^:]*):(.*?)(?: \[(.*)\])?$/);
    const g = groupOf(parts?.[2] ?? m[2], parts?.[3] ?? '');
    groups[g] = (groups[g] ?? 0) + Number(m[1].replaceAll(',', ''));
  }
  return groups;
}

/** Instructions counted since the last zeroing: dumps and reads the newest dump's totals (and, with --annotate, its split). */
function dumpTotal(pid, outDir, split) {
  const before = new Set(readdirSync(outDir));
  execFileSync('callgrind_control', ['-d', String(pid)], { stdio: 'ignore' });
  const dump = readdirSync(outDir).find((f) => !before.has(f) && f.includes(String(pid)));
  if (!dump) throw new Error(`no callgrind dump from ${pid}`);
  const text = readFileSync(join(outDir, dump), 'utf8');
  const m = text.match(/^(?:summary|totals): (\d+)/m);
  if (!m) throw new Error(`no totals in ${dump}`);
  if (split) Object.assign(split, annotate(join(outDir, dump)));
  rmSync(join(outDir, dump));
  return Number(m[1]);
}

async function measure(child, port, workloads, bodies, outDir, splits) {
  const out = {};
  for (const n of workloads) {
    for (let i = 0; i < WARMUP; i++) await post(port, routeOf(n), bodies[n], n);
    execFileSync('callgrind_control', ['-z', String(child.pid)], { stdio: 'ignore' });
    for (let i = 0; i < N; i++) await post(port, routeOf(n), bodies[n], n);
    const split = opts.annotate ? {} : undefined;
    out[n] = Math.round(dumpTotal(child.pid, outDir, split) / N);
    log(`${n}: ${(out[n] / 1e6).toFixed(2)} M instructions per request`);
    if (split) {
      splits[n] = Object.fromEntries(Object.entries(split).sort((a, b) => b[1] - a[1]).map(([g, v]) => [g, Math.round(v / N)]));
      for (const [g, v] of Object.entries(splits[n])) log(`  ${(v / 1e6).toFixed(3).padStart(7)} M  ${g}`);
    }
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
  const splits = { meshgate: {}, ceiling: {} };
  try {
    const port = await freePort();
    log(`meshgate under callgrind (${deploymentNodeOptions().join(' ')}); ${WARMUP} warm-up and ${N} measured requests per workload`);
    const mg = await underCallgrind('meshgate', [...deploymentNodeOptions(), join(ROOT, 'dist', 'main.js'), 'serve', '--listen', `127.0.0.1:${port}`, '--tls-cert', join(certs.dir, 'tls.crt'), '--tls-key', join(certs.dir, 'tls.key'), '--log-level', 'info'], port, '/readyz', outDir);
    const canned = {};
    try {
      for (const n of names) canned[n] = await post(port, routeOf(n), bodies[n], n);
      results.meshgate = await measure(mg, port, names, bodies, outDir, splits.meshgate);
    } finally {
      await stop(mg);
    }
    const cannedFile = join(outDir, 'canned.json');
    writeFileSync(cannedFile, JSON.stringify(canned));
    const cport = await freePort();
    log('ceiling under callgrind');
    const ceil = await underCallgrind('ceiling', [join(ROOT, 'bench', 'ceiling.mjs'), '--port', String(cport), '--cert', join(certs.dir, 'tls.crt'), '--key', join(certs.dir, 'tls.key'), '--canned', cannedFile], cport, '/', outDir, true);
    try {
      results.ceiling = await measure(ceil, cport, names, bodies, outDir, splits.ceiling);
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
  writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), node: process.version, requests: N, warmup: WARMUP, nodeOptions: deploymentNodeOptions(), instructionsPerRequest: results, ...(opts.annotate ? { byGroup: splits } : {}) }, null, 2));
  console.log(`results written to ${file}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
