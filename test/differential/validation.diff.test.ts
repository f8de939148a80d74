// `npm run test:differential` (suite validation): meshgate's CLI and webhook against a real
// kube-apiserver and istiod on real and seeded mutant documents (validation/suite.ts). The
// launcher (run.mjs) passes --seed/--count/--show/--min-agreement as MESHGATE_DIFF_* variables
// (options.ts); the report ends with `validation: N passed, N failed`. It needs the e2e suite's
// Kubernetes binaries (~/.cache/meshgate-e2e, built by `npm run test:e2e` or on first use here)
// and the Istio harness (built by ../harness.ts on first use).
import { writeSync } from 'node:fs';
import { expect, test } from 'vitest';
import { stderrProgress } from '../e2e/cluster/progress.js';
import { diffOptions } from './options.js';
import { describeVerdicts, formatReport, tally } from './validation/report.js';
import { runValidationSuite } from './validation/suite.js';

const SUITE = 'validation';
// Every judged document must agree. The suite's CI seed is its own: seeds that mutate the Envoy
// message inside an EnvoyFilter patch meet the known difference of docs/validation.md, section 5.
const { seed, count, minAgreement, show, buildOnly } = diffOptions({ count: 1000, minAgreement: 100, seed: 20261213 });

/** Straight to the terminal: the report is the suite's output, not a test log. */
const print = (text: string): void => void writeSync(1, `${text}\n`);

// `--build-only` builds the Istio harness only (the built-in-templates suite does that); nothing to judge here.
test.skipIf(buildOnly)(`meshgate validates ${count} documents (seed ${seed}) as the API server and istiod do`, async () => {
  const { all, failures } = await runValidationSuite({ seed, count, progress: stderrProgress(Date.now(), SUITE) });
  for (const n of show) {
    const v = all[n];
    if (v) print(describeVerdicts(v, failures));
  }
  print(formatReport(all, failures, SUITE));
  const { judged, passed } = tally(all, failures);
  const agreement = judged === 0 ? 100 : (100 * passed) / judged;
  expect(agreement, `agreement ${agreement.toFixed(2)} % (${judged - passed} disagreements) is below ${minAgreement} %`).toBeGreaterThanOrEqual(minAgreement);
});
