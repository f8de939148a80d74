// `npm run test:differential`: meshgate against Istio's real injector on generated inputs
// (test/differential/README.md). The launcher (run.mjs) passes --seed/--count/--show/
// --min-agreement as MESHGATE_DIFF_* variables; the report ends with `N passed, N failed`.
import { writeSync } from 'node:fs';
import { expect, test } from 'vitest';
import { stderrProgress } from '../e2e/cluster/progress.js';
import { formatReport } from './report.js';
import { describeCase, runSuite } from './suite.js';

const env = process.env;
const seed = Number(env['MESHGATE_DIFF_SEED'] ?? '20261201');
const count = Number(env['MESHGATE_DIFF_COUNT'] ?? '300');
const minAgreement = Number(env['MESHGATE_DIFF_MIN_AGREEMENT'] ?? '99.5');
const show = env['MESHGATE_DIFF_SHOW'];

/** Straight to the terminal: the report is the suite's output, not a test log. */
const print = (text: string): void => void writeSync(1, `${text}\n`);

test(`meshgate and Istio inject ${count} generated inputs (seed ${seed}) the same way`, async () => {
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
