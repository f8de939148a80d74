// `npm run test:differential -- [--seed N] [--count N] [--nightly] [--show N[,N]] [--min-agreement P]`:
// maps the flags to MESHGATE_DIFF_* variables and runs the differential suite with vitest.
import { spawnSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const HELP = `Usage: npm run test:differential -- [--seed N] [--count N] [--nightly] [--show N[,N]] [--min-agreement P]

Generates Pods and workloads from a seed, injects each with meshgate and with Istio's own
injector (built once from the istio.io/istio module pinned in test/differential/istio/go.mod,
cached in ~/.cache/meshgate-differential), and compares the normalised results. Prints the
differences grouped by field path and ends with "N passed, N failed".

  --seed N            generator seed (default 20261201, the CI seed)
  --count N           number of inputs (default 300)
  --nightly           2,000 inputs of a seed that changes every day (overridden by --seed/--count)
  --show N[,N]        also print input #N, both outputs and every difference
  --min-agreement P   fail below P % identical-or-both-denied (default 99.5)
  --update-types      rewrite src/inject/k8s-types.ts from the harness's typeinfo
  --build-only        only build (or find) the harness and print "istio-harness: PATH"
`;
const { values: o } = parseArgs({
  options: {
    seed: { type: 'string' }, count: { type: 'string' }, nightly: { type: 'boolean', default: false },
    show: { type: 'string' }, 'min-agreement': { type: 'string' }, 'update-types': { type: 'boolean', default: false },
    'build-only': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h' },
  },
});
if (o.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const isInt = (v) => v === undefined || /^\d+$/.test(v);
for (const k of ['seed', 'count']) {
  if (!isInt(o[k])) {
    process.stderr.write(`--${k} must be a whole number, got ${JSON.stringify(o[k])}\n`);
    process.exit(2);
  }
}
const day = Math.floor(Date.now() / 86_400_000);
const env = {
  ...process.env,
  MESHGATE_DIFF_SEED: o.seed ?? (o.nightly ? String(day) : '20261201'),
  MESHGATE_DIFF_COUNT: o.count ?? (o.nightly ? '2000' : '300'),
  ...(o.show ? { MESHGATE_DIFF_SHOW: o.show } : {}),
  ...(o['min-agreement'] ? { MESHGATE_DIFF_MIN_AGREEMENT: o['min-agreement'] } : {}),
  ...(o['update-types'] ? { MESHGATE_DIFF_UPDATE_TYPES: '1' } : {}),
  ...(o['build-only'] ? { MESHGATE_DIFF_BUILD_ONLY: '1' } : {}),
};
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const res = spawnSync(process.execPath, [vitest, 'run', '--config', join(root, 'vitest.differential.config.ts')], { cwd: root, env, stdio: 'inherit' });
process.exit(res.status ?? 1);
