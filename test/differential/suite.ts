// One differential run: builds (or reuses) the Istio harness, generates the cases for a seed,
// runs each through meshgate and Istio, and summarises. Used by builtin-templates.diff.test.ts
// (which `npm run test:differential` runs through test/differential/run.mjs).
import { stringify } from 'yaml';
import { defaultTemplatesDir, readTemplateDir } from '../../src/config-source/files.js';
import type { Progress } from '../e2e/cluster/progress.js';
import { compare, istioRequest, istioResult, meshgateSide, type Verdict } from './compare.js';
import { generateCases, type DiffCase } from './generate.js';
import { ensureHarness, startHarness, type HarnessResponse, type IstioHarness } from './harness.js';
import { summarise, type CaseResult, type Summary } from './report.js';

export interface SuiteOptions {
  readonly seed: number;
  readonly count: number;
  readonly progress: Progress;
}

const IN_FLIGHT = 64;

/** Sends every case to Istio, IN_FLIGHT at a time, keeping answers in case order. */
async function istioAnswers(harness: IstioHarness, cases: readonly DiffCase[], progress: Progress): Promise<HarnessResponse[]> {
  const out: HarnessResponse[] = new Array(cases.length);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < cases.length) {
      const i = next++;
      const c = cases[i] as DiffCase;
      out[i] = await harness.request(istioRequest(c));
      if (++done % 500 === 0) progress(`Istio: ${done}/${cases.length} inputs`);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return out;
}

export async function runSuite(opts: SuiteOptions): Promise<{ summary: Summary; results: CaseResult[] }> {
  const binary = await ensureHarness(opts.progress);
  const cases = generateCases(opts.seed, opts.count);
  opts.progress(`seed ${opts.seed}: ${cases.length} generated inputs (${countBy(cases, (c) => c.path)}; ${countBy(cases, (c) => c.kind)})`);
  const harness = startHarness({ binary });
  let istio: HarnessResponse[];
  try {
    istio = await istioAnswers(harness, cases, opts.progress);
  } finally {
    await harness.close();
  }
  const meshgate = meshgateSide(await readTemplateDir(defaultTemplatesDir(), 'templates'));
  const results = cases.map((c, i): CaseResult => {
    const answer = istio[i] as HarnessResponse;
    return { c, verdict: compare(meshgate.run(c, answer.requestObject), istioResult(answer)) };
  });
  return { summary: summarise(opts.seed, results), results };
}

function countBy(cases: readonly DiffCase[], key: (c: DiffCase) => string): string {
  const counts = new Map<string, number>();
  for (const c of cases) counts.set(key(c), (counts.get(key(c)) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${n} ${k}`).join(', ');
}

/** Everything about one case, for `--show N`: the input, its configuration and the differences. */
export function describeCase(r: CaseResult): string {
  const { c, verdict } = r;
  const config = { path: c.path, kind: c.kind, nativeSidecars: c.nativeSidecars, revision: c.revision, namespace: c.namespace, values: c.values, mesh: c.mesh };
  const side = (v: Verdict['meshgate']): unknown => (v.kind === 'objects' ? v.objects : { [v.kind]: v.message });
  return [
    `# case #${c.index}: ${verdict.agree ? (verdict.bothDenied ? 'both denied' : 'identical') : `${verdict.differences.length} differences`}`,
    stringify({ config, input: c.object }),
    ...verdict.differences.map((d) => `- ${d.path}: meshgate ${JSON.stringify(d.meshgate)} → Istio ${JSON.stringify(d.istio)}`),
    '# meshgate',
    stringify(side(verdict.meshgate)),
    '# Istio',
    stringify(side(verdict.istio)),
  ].join('\n');
}
