// Summarises a V8 .cpuprofile (from `npm run bench -- --cpu-prof`): self time per function,
// per source file, and per part of the request's path (TLS and HTTP, fastify, body parsing,
// injection, validation, the answer, logging, metrics, GC), the heaviest first. Shares are of
// the busy time (idle excluded); `--skip S` leaves out the first S seconds (start-up, module
// loading, compiling the CRDs), `--us N` turns shares into microseconds of a request costing N.
// `--busiest S` keeps only the S-second window with the most request work (the load run) instead.
//   node bench/profile-summary.mjs bench/results/CPU.*.cpuprofile [--top N] [--skip S | --busiest S] [--us N]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '30' }, skip: { type: 'string', default: '0' }, busiest: { type: 'string' }, us: { type: 'string' } },
});
const top = Number(opts.top);
const profile = JSON.parse(readFileSync(positionals[0], 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const short = (url) => url.replace(/^.*\/node_modules\//, 'nm:').replace(/^file:\/\/.*\/dist\//, 'dist/');

/** The part of the request's path a source file belongs to. */
function partOf(file) {
  if (file.startsWith('dist/inject/patch') || file.startsWith('dist/admission/respond')) return 'answer: patch and response encoding';
  if (file.startsWith('dist/inject/') || file.startsWith('dist/inject')) return 'injection (templates, merge, probes, diff)';
  if (file.startsWith('dist/validate/') || /^nm:(ajv|@marcbachmann|re2js|fast-uri|json-schema-traverse|fast-deep-equal)/.test(file)) return 'validation (CRD schema, CEL, rules)';
  if (file.startsWith('nm:secure-json-parse') || file.startsWith('dist/admission/review') || file.startsWith('nm:zod')) return 'body: JSON parse and review decoding';
  if (
    file.startsWith('nm:pino') ||
    file.startsWith('nm:sonic-boom') ||
    file.startsWith('nm:fast-redact') ||
    file.startsWith('nm:quick-format') ||
    file.startsWith('nm:thread-stream')
  )
    return 'logging (pino)';
  if (file.startsWith('nm:prom-client') || file.startsWith('nm:bintrees') || file.startsWith('dist/server/metrics')) return 'metrics (prom-client)';
  if (file.startsWith('dist/server/')) return 'admission route wrapper';
  if (/^nm:(fastify|@fastify|find-my-way|avvio|light-my-request|fast-json-stringify|process-warning|abstract-logging|toad-cache|rfdc|fast-querystring)/.test(file))
    return 'fastify (routing, reply)';
  if (file.startsWith('node:')) return 'Node: TLS, HTTP, streams';
  return file || 'other';
}

/** The first frame up the stack with a source file (natives are charged to their caller). */
function fileOf(id) {
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const url = byId.get(cur).callFrame.url;
    if (url) return short(url);
  }
  return '';
}

const self = new Map();
const dt = profile.timeDeltas;
let t = 0;
/** Request work only: body parsing, the admission routes, the answer (not start-up compiling). */
const REQUEST_FILES = /^(nm:secure-json-parse|nm:fastify|nm:find-my-way|dist\/admission|dist\/server\/routes)/;

/** The start (µs) of the S-second window with the most request work in it: the load run itself. */
function busiestStart(seconds) {
  const marks = new Map();
  const isRequest = (id) => {
    let v = marks.get(id);
    if (v === undefined) marks.set(id, (v = REQUEST_FILES.test(fileOf(id))));
    return v;
  };
  const times = [];
  let at = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    at += dt[i] ?? 0;
    times.push([at, isRequest(profile.samples[i]) ? (dt[i] ?? 0) : 0]);
  }
  let best = 0;
  let bestStart = 0;
  let sum = 0;
  let j = 0;
  for (let i = 0; i < times.length; i++) {
    sum += times[i][1];
    while (times[i][0] - times[j][0] > seconds * 1e6) sum -= times[j++][1];
    if (sum > best) [best, bestStart] = [sum, times[j][0]];
  }
  return bestStart;
}
// --busiest S: only the S seconds with the most request work (the measured load run, not start-up or idle waits).
const skipUs = opts.busiest === undefined ? Number(opts.skip) * 1e6 : busiestStart(Number(opts.busiest));
const endUs = opts.busiest === undefined ? Infinity : skipUs + Number(opts.busiest) * 1e6;
for (let i = 0; i < profile.samples.length; i++) {
  t += dt[i] ?? 0;
  if (t < skipUs || t > endUs) continue;
  const id = profile.samples[i];
  self.set(id, (self.get(id) ?? 0) + (dt[i] ?? 0));
}
const fnSelf = new Map();
const fileSelf = new Map();
const partSelf = new Map();
let busy = 0;
for (const [id, us] of self) {
  const { functionName, url, lineNumber } = byId.get(id).callFrame;
  if (functionName === '(idle)') continue;
  busy += us;
  const key = `${functionName || '(anonymous)'} ${short(url)}:${lineNumber + 1}`;
  fnSelf.set(key, (fnSelf.get(key) ?? 0) + us);
  const s = short(url);
  const f = s.startsWith('nm:')
    ? s
        .split('/')
        .slice(0, s.startsWith('nm:@') ? 2 : 1)
        .join('/')
    : s || '(native/gc)';
  fileSelf.set(f, (fileSelf.get(f) ?? 0) + us);
  const part = functionName === '(garbage collector)' ? 'garbage collector' : functionName === '(program)' ? 'V8 itself (compiler, runtime)' : partOf(fileOf(id));
  partSelf.set(part, (partSelf.get(part) ?? 0) + us);
}
const reqUs = opts.us === undefined ? undefined : Number(opts.us);
const pct = (us) =>
  `${((us / busy) * 100).toFixed(1).padStart(5)} %${
    reqUs === undefined
      ? ''
      : `${Math.round((us / busy) * reqUs)
          .toString()
          .padStart(6)} µs`
  }`;
const list = (m, n) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, us]) => `${pct(us)}  ${k}`)
    .join('\n');
console.log(`busy (idle excluded${skipUs > 0 ? `, first ${(skipUs / 1e6).toFixed(1)} s skipped` : ''}): ${(busy / 1e6).toFixed(2)} s`);
console.log(`\nby part of the request's path (natives charged to their caller):\n${list(partSelf, 20)}`);
console.log(`\nself time by function:\n${list(fnSelf, top)}`);
console.log(`\nself time by package / file:\n${list(fileSelf, top)}`);
