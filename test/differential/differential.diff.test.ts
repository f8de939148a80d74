// `npm run test:differential`: meshgate against Istio's real injector on generated inputs
// (test/differential/README.md). The launcher (run.mjs) passes --seed/--count/--show/
// --min-agreement as MESHGATE_DIFF_* variables; the report ends with `N passed, N failed`.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, writeSync } from 'node:fs';
import { expect, test } from 'vitest';
import { stderrProgress } from '../e2e/cluster/progress.js';
import { ensureHarness } from './harness.js';
import { K8S_TYPES_FILE, renderTypesModule } from './k8s-types.js';
import { formatReport } from './report.js';
import { describeCase, runSuite } from './suite.js';

const env = process.env;
const seed = Number(env['MESHGATE_DIFF_SEED'] ?? '20261201');
const count = Number(env['MESHGATE_DIFF_COUNT'] ?? '300');
const minAgreement = Number(env['MESHGATE_DIFF_MIN_AGREEMENT'] ?? '99.5');
const show = env['MESHGATE_DIFF_SHOW'];
const buildOnly = env['MESHGATE_DIFF_BUILD_ONLY'] === '1';

/** Straight to the terminal: the report is the suite's output, not a test log. */
const print = (text: string): void => void writeSync(1, `${text}\n`);

// `--build-only` (used by `npm run bench -- --peer istio`): build or find the harness, print its path.
test.runIf(buildOnly)('the Istio harness is built', async () => {
  print(`istio-harness: ${await ensureHarness(stderrProgress(Date.now(), 'differential'))}`);
});

test.skipIf(buildOnly)(`meshgate and Istio inject ${count} generated inputs (seed ${seed}) the same way`, async () => {
  const { summary, results } = await runSuite({ seed, count, progress: stderrProgress(Date.now(), 'differential') });
  if (show !== undefined) {
    for (const n of show.split(',').map(Number)) {
      const r = results[n];
      if (r) print(describeCase(r));
    }
  }
  print(formatReport(summary));
  const agreement = (100 * (summary.total - summary.failed)) / summary.total;
  expect(agreement, `agreement ${agreement.toFixed(2)} % is below ${minAgreement} %`).toBeGreaterThanOrEqual(minAgreement);
});

test.skipIf(buildOnly)('src/inject/k8s-types.ts is what the harness says of the Kubernetes Go types', async () => {
  const binary = await ensureHarness(stderrProgress(Date.now(), 'differential'));
  const text = renderTypesModule(JSON.parse(execFileSync(binary, ['typeinfo'], { encoding: 'utf8' })));
  if (env['MESHGATE_DIFF_UPDATE_TYPES'] === '1') writeFileSync(K8S_TYPES_FILE, text);
  expect(readFileSync(K8S_TYPES_FILE, 'utf8'), 'regenerate with npm run test:differential -- --update-types').toBe(text);
});
