// Micro-benchmark of the injection and validation cores, without the server: times
// `injector.inject()` (plus encoding its patch, as the response does) and `validate()` of the
// server's validator (the bundled CRDs, compiled first) on the request bodies in bench/data/, in
// process, after a warm-up. Prints CPU µs per operation, the median of several rounds. Uses the
// production build: `npm run build` first.
// `--dist DIR` times another build (a copy of dist/ from an earlier commit) for comparisons.
//   node bench/micro.mjs [--only NAME[,NAME]] [--rounds N] [--ms MS] [--dist DIR]
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { WORKLOADS } from './data/make.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const { values: opts } = parseArgs({
  options: {
    only: { type: 'string' },
    rounds: { type: 'string', default: '7' },
    ms: { type: 'string', default: '400' },
    dist: { type: 'string', default: join(here, '..', 'dist') },
  },
});
const load = (file) => import(pathToFileURL(join(resolve(opts.dist), file)).href);
const { readInjectionFiles } = await load('config-source/files.js');
const { buildInjector } = await load('config-source/build.js');
const { validatorsFor } = await load('crds.js');
const { DEFAULT_SETTINGS } = await load('validate/index.js');

const injector = buildInjector(await readInjectionFiles({}), { nativeSidecars: true, revision: '', controlPlaneEnv: {} });
// The server's validator: the bundled CRDs, every served version compiled before measuring.
const validators = validatorsFor(DEFAULT_SETTINGS);
validators.precompile();

/** One operation per workload: what the route handler spends inside meshgate's cores. */
function operation(name) {
  const review = JSON.parse(readFileSync(join(here, 'data', `${name}.json`), 'utf8'));
  const r = review.request;
  if (name.startsWith('inject')) {
    return () => {
      const out = injector.inject({ pod: r.object, namespace: r.namespace });
      if (out.kind !== 'inject') throw new Error(`${name}: ${out.kind} ${out.message}`);
      return Buffer.from(JSON.stringify(out.patch)).toString('base64').length;
    };
  }
  return () => {
    const out = validators.validate({ object: r.object });
    if (!out.checked || out.errors.length > 0) throw new Error(`${name}: ${JSON.stringify(out)}`);
    return out.warnings.length;
  };
}

/** CPU time (user + system, µs) per operation: steadier than wall time on a shared machine. */
function round(fn, ms) {
  const end = performance.now() + ms;
  let n = 0;
  const start = process.cpuUsage();
  while (performance.now() < end) {
    for (let i = 0; i < 20; i++) fn();
    n += 20;
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / n;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const names = Object.keys(WORKLOADS).filter((n) => !opts.only || opts.only.split(',').includes(n));
for (const name of names) {
  const fn = operation(name);
  round(fn, 1000);
  const times = Array.from({ length: Number(opts.rounds) }, () => round(fn, Number(opts.ms)));
  console.log(`${name.padEnd(26)} ${median(times).toFixed(1).padStart(8)} µs/op   (min ${Math.min(...times).toFixed(1)}, max ${Math.max(...times).toFixed(1)})`);
}
