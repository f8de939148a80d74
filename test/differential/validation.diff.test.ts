// `npm run test:differential` (validation part): meshgate's CLI and webhook against a real
// kube-apiserver and istiod on real and seeded mutant documents (validation/suite.ts). The
// seed and count come from MESHGATE_VDIFF_SEED (else MESHGATE_DIFF_SEED) / MESHGATE_VDIFF_COUNT;
// the report ends with `N passed, N failed`. On its own:
//   npm run build && npx vitest run --config vitest.differential.config.ts test/differential/validation.diff.test.ts
import { writeSync } from 'node:fs';
import { expect, test } from 'vitest';
import { stderrProgress } from '../e2e/cluster/progress.js';
import { formatReport } from './validation/report.js';
import { runValidationSuite } from './validation/suite.js';

const seed = Number(process.env['MESHGATE_VDIFF_SEED'] ?? process.env['MESHGATE_DIFF_SEED'] ?? '20261213');
const count = Number(process.env['MESHGATE_VDIFF_COUNT'] ?? '1000');

test(`meshgate validates ${count} documents (seed ${seed}) as the API server and istiod do`, async () => {
  const { all, failures } = await runValidationSuite({ seed, count, progress: stderrProgress() });
  writeSync(1, `${formatReport(all, failures)}\n`);
  expect(failures.length, `${failures.length} disagreements`).toBe(0);
});
