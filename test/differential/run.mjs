// `npm run test:differential -- [--suite NAME]... [--seed N] [--count N] [--nightly] [--show N[,N]]
// [--min-agreement P] [--update-types] [--build-only]`: runs every differential suite (each
// test/differential/**/*.diff.test.ts, one vitest run per suite) with the flags mapped to the
// MESHGATE_DIFF_* variables they all read (options.ts), then prints each suite's
// `NAME: N passed, N failed` and the total.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const SUFFIX = '.diff.test.ts';
/** Every suite, by name: the file name without .diff.test.ts. */
const SUITES = new Map(
  readdirSync(here, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(SUFFIX) && !f.split(/[\\/]/).includes('node_modules'))
    .sort()
    .map((f) => [basename(f, SUFFIX), relative(root, join(here, f))]),
);

const HELP = `Usage: npm run test:differential -- [--suite NAME]... [--seed N] [--count N] [--nightly]
                                     [--show N[,N]] [--min-agreement P] [--update-types] [--build-only]

Runs the differential suites one after the other: ${[...SUITES.keys()].join(', ')}.
They hold meshgate to Istio's own code on generated inputs, and validation also to a real
kube-apiserver. Istio's side (test/differential/istio, built from the istio.io/istio module its
go.mod pins) is built once into ~/.cache/meshgate-differential (5-15 minutes the first time);
the validation suite also needs the e2e suite's Kubernetes binaries (~/.cache/meshgate-e2e,
built by npm run test:e2e, or on first use). Each suite prints its differences grouped by field
path and "NAME: N passed, N failed"; the last lines repeat every suite's and the total.

  --suite NAME        run only this suite (repeatable, or NAME,NAME)
  --seed N            generator seed (default: each suite's CI seed, 20261201 for injection,
                      20261213 for validation)
  --count N           inputs per suite (default: each suite's CI size, 300 for injection,
                      1,000 documents for validation)
  --nightly           2,000 inputs of a seed that changes every day (--seed/--count override)
  --show N[,N]        also print input #N in full: its configuration, both outputs, differences
  --min-agreement P   fail a suite below P % agreeing inputs (default: each suite's pass mark,
                      99.5 built-in templates, 99.9 chart templates, 100 validation)
  --update-types      rewrite src/inject/merge/k8s-types.ts from the harness's typeinfo
  --build-only        only build (or find) the Istio harness and print "istio-harness: PATH"
`;

function parse() {
  try {
    return parseArgs({
      options: {
        suite: { type: 'string', multiple: true }, seed: { type: 'string' }, count: { type: 'string' },
        nightly: { type: 'boolean', default: false }, show: { type: 'string' }, 'min-agreement': { type: 'string' },
        'update-types': { type: 'boolean', default: false }, 'build-only': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (e) {
    fail(`${e.message} (see --help)`);
  }
}

function fail(message) {
  process.stderr.write(`test:differential: ${message}\n`);
  process.exit(2);
}

const o = parse();
if (o.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
for (const k of ['seed', 'count']) if (o[k] !== undefined && !/^\d+$/.test(o[k])) fail(`--${k} must be a whole number, got ${JSON.stringify(o[k])}`);
if (o.show !== undefined && !/^\d+(,\d+)*$/.test(o.show)) fail(`--show takes input numbers such as 12 or 12,408, got ${JSON.stringify(o.show)}`);
const pct = o['min-agreement'];
if (pct !== undefined && !(Number(pct) >= 0 && Number(pct) <= 100)) fail(`--min-agreement must be a percentage, got ${JSON.stringify(pct)}`);
const wanted = (o.suite ?? []).flatMap((s) => s.split(',')).filter(Boolean);
for (const s of wanted) if (!SUITES.has(s)) fail(`unknown suite ${JSON.stringify(s)}; the suites are ${[...SUITES.keys()].join(', ')}`);
// The harness is built (and --build-only answered) by the built-in-templates suite.
const names = o['build-only'] ? ['builtin-templates'] : wanted.length > 0 ? wanted : [...SUITES.keys()];

const day = Math.floor(Date.now() / 86_400_000);
const seed = o.seed ?? (o.nightly ? String(day) : undefined);
const count = o.count ?? (o.nightly ? '2000' : undefined);
const env = { ...process.env };
for (const [name, value] of [
  ['MESHGATE_DIFF_SEED', seed], ['MESHGATE_DIFF_COUNT', count], ['MESHGATE_DIFF_SHOW', o.show], ['MESHGATE_DIFF_MIN_AGREEMENT', pct],
  ['MESHGATE_DIFF_UPDATE_TYPES', o['update-types'] ? '1' : undefined], ['MESHGATE_DIFF_BUILD_ONLY', o['build-only'] ? '1' : undefined],
]) {
  if (value === undefined) delete env[name];
  else env[name] = value;
}

const SUMMARY = /^(?:([\w-]+): )?(\d+) passed, (\d+) failed$/;

/** One suite in its own vitest run; its output is passed through and its summary line kept. */
function runSuite(name) {
  const file = SUITES.get(name);
  const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
  const started = Date.now();
  process.stderr.write(`\n[test:differential] suite ${name} (${file})\n`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [vitest, 'run', '--config', join(root, 'vitest.differential.config.ts'), file], { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
    let summary;
    let rest = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      const lines = (rest + chunk.toString('utf8')).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        const m = SUMMARY.exec(line.trim());
        if (m) summary = { passed: Number(m[2]), failed: Number(m[3]) };
      }
    });
    child.on('close', (code, signal) => resolve({ name, summary, ok: code === 0, exit: signal ?? code, seconds: Math.round((Date.now() - started) / 1000) }));
  });
}

const results = [];
for (const name of names) results.push(await runSuite(name));
if (!o['build-only']) {
  const lines = ['', `differential suites${seed ? ` (seed ${seed})` : ''}:`];
  let passed = 0;
  let failed = 0;
  for (const r of results) {
    const state = `${r.ok ? 'ok' : `vitest exit ${r.exit}`}, ${r.seconds} s`;
    if (r.summary) {
      passed += r.summary.passed;
      failed += r.summary.failed;
      lines.push(`${r.name}: ${r.summary.passed} passed, ${r.summary.failed} failed (${state})`);
    } else {
      lines.push(`${r.name}: no result line (${state})`);
    }
  }
  lines.push(`${passed} passed, ${failed} failed`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
process.exit(results.every((r) => r.ok) ? 0 : 1);
