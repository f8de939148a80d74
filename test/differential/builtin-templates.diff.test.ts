// `npm run test:differential` (suite builtin-templates): meshgate with its built-in templates
// against Istio's real injector on generated inputs (test/differential/README.md). The launcher
// (run.mjs) passes --seed/--count/--show/--min-agreement as MESHGATE_DIFF_* variables
// (options.ts); the report ends with `builtin-templates: N passed, N failed`.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, writeSync } from 'node:fs';
import { expect, test } from 'vitest';
import { stderrProgress } from '../e2e/cluster/progress.js';
import { ensureHarness } from './harness.js';
import { K8S_TYPES_FILE, renderTypesModule } from './k8s-types.js';
import { diffOptions } from './options.js';
import { formatReport } from './report.js';
import { describeCase, runSuite } from './suite.js';

const SUITE = 'builtin-templates';
const { seed, count, minAgreement, show, buildOnly } = diffOptions({ count: 300, minAgreement: 99.5 });

/** Straight to the terminal: the report is the suite's output, not a test log. */
const print = (text: string): void => void writeSync(1, `${text}\n`);

// `--build-only` (used by `npm run bench -- --peer istio`): build or find the harness, print its path.
test.runIf(buildOnly)('the Istio harness is built', async () => {
  print(`istio-harness: ${await ensureHarness(stderrProgress(Date.now(), 'differential'))}`);
});

test.skipIf(buildOnly)(`meshgate's built-in templates and Istio inject ${count} generated inputs (seed ${seed}) the same way`, async () => {
  const { summary, results } = await runSuite({ seed, count, progress: stderrProgress(Date.now(), SUITE) });
  for (const n of show) {
    const r = results[n];
    if (r) print(describeCase(r));
  }
  print(formatReport(summary, SUITE));
  const agreement = summary.total === 0 ? 100 : (100 * (summary.total - summary.failed)) / summary.total;
  expect(agreement, `agreement ${agreement.toFixed(2)} % is below ${minAgreement} %`).toBeGreaterThanOrEqual(minAgreement);
});

test.skipIf(buildOnly)('src/inject/merge/k8s-types.ts is what the harness says of the Kubernetes Go types', async () => {
  const binary = await ensureHarness(stderrProgress(Date.now(), SUITE));
  const text = renderTypesModule(JSON.parse(execFileSync(binary, ['typeinfo'], { encoding: 'utf8' })));
  if (process.env['MESHGATE_DIFF_UPDATE_TYPES'] === '1') writeFileSync(K8S_TYPES_FILE, text);
  expect(readFileSync(K8S_TYPES_FILE, 'utf8'), 'regenerate with npm run test:differential -- --update-types').toBe(text);
});
