// `npm run test:differential` (suite chart-templates): Istio's own chart templates of the pinned
// release, loaded as the user's configuration (`--injector-config` with the release's injector
// config, values and mesh config, as the harness renders them), must make `meshgate inject`
// print exactly what Istio's kube-inject does. meshgate's side is the command's document path
// (injectDocuments: Go templates, then the typed round trip, printed and read back); both sides
// are compared with the suite's normalisation (normalise.ts). Options: options.ts; the report
// ends with `chart-templates: N passed, N failed`.
import { writeSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { parse as parseYaml, stringify } from 'yaml';
import { buildInjector } from '../../src/config-source/build.js';
import { combine, overlayValues, readInjectorConfigFile, type Mapping } from '../../src/config-source/documents.js';
import type { Injector } from '../../src/inject/index.js';
import { stderrProgress } from '../e2e/cluster/progress.js';
import { chartCases, type ChartCase } from './chart-inputs.js';
import { compare, istioResult, viaCli, type SideResult } from './compare.js';
import { ensureHarness, startHarness, type HarnessResponse, type IstioHarness } from './harness.js';
import { diffOptions } from './options.js';
import { formatReport, summarise, type CaseResult } from './report.js';

const SUITE = 'chart-templates';
const NAMESPACE = 'shop';
const { seed, count, minAgreement, show, buildOnly } = diffOptions({ count: 300, minAgreement: 99.9 });
const print = (text: string): void => void writeSync(1, `${text}\n`);
const progress = stderrProgress(Date.now(), SUITE);

type Obj = Record<string, unknown>;

let harness: IstioHarness | undefined;
let chart: { config: string; values: Mapping; mesh: Mapping };

beforeAll(async () => {
  if (buildOnly) return;
  harness = startHarness({ binary: await ensureHarness(progress) });
  const res = await harness.request({ op: 'config' });
  if (!res.data) throw new Error(`the harness gave no chart data: ${res.message ?? ''}`);
  chart = { config: res.data.config, values: JSON.parse(res.data.values) as Mapping, mesh: (parseYaml(res.data.mesh) ?? {}) as Mapping };
}, 60 * 60_000);

afterAll(async () => harness?.close());

const injectors = new Map<string, Injector | Error>();

/** meshgate configured from the release's chart: its config (Go templates), values and mesh. */
function injectorFor(c: ChartCase): Injector | Error {
  const key = JSON.stringify([c.values, c.mesh, c.nativeSidecars]);
  let injector = injectors.get(key);
  if (!injector) {
    try {
      const parsed = readInjectorConfigFile(chart.config, 'chart config');
      const mesh = { ...chart.mesh, ...c.mesh, defaultConfig: { ...(chart.mesh['defaultConfig'] as Obj), ...(c.mesh['defaultConfig'] as Obj | undefined) } };
      const docs = combine({ ...parsed, values: overlayValues(chart.values, c.values), mesh }, 'chart config');
      injector = buildInjector(docs, { nativeSidecars: c.nativeSidecars, revision: '', controlPlaneEnv: {} });
    } catch (e) {
      injector = e as Error;
    }
    injectors.set(key, injector);
  }
  return injector;
}

/** `meshgate inject --injector-config` with the chart's configuration, as the command prints it. */
function meshgate(c: ChartCase): SideResult {
  const injector = injectorFor(c);
  if (injector instanceof Error) return { kind: 'error', message: `configuration refused: ${injector.message}` };
  return viaCli(injector, c.object, NAMESPACE);
}

async function istio(h: IstioHarness, c: ChartCase): Promise<HarnessResponse> {
  return h.request({
    op: 'inject',
    input: JSON.stringify(c.object),
    config: chart.config,
    values: JSON.stringify(c.values),
    mesh: JSON.stringify(c.mesh),
    nativeSidecars: c.nativeSidecars,
    namespace: NAMESPACE,
  });
}

/** Everything about one input, for `--show N`: its configuration, the differences, both outputs. */
function describe(r: CaseResult<ChartCase>): string {
  const { c, verdict } = r;
  const side = (v: SideResult): unknown => (v.kind === 'objects' ? v.objects : { [v.kind]: v.message });
  return [
    `# case #${c.index}: ${verdict.agree ? (verdict.bothDenied ? 'both denied' : 'identical') : `${verdict.differences.length} differences`}`,
    stringify({ config: { values: c.values, mesh: c.mesh, nativeSidecars: c.nativeSidecars }, input: c.object }),
    ...verdict.differences.map((d) => `- ${d.path}: meshgate ${JSON.stringify(d.meshgate)} → Istio ${JSON.stringify(d.istio)}`),
    '# meshgate',
    stringify(side(verdict.meshgate)),
    '# Istio',
    stringify(side(verdict.istio)),
  ].join('\n');
}

test.skipIf(buildOnly)(
  `Istio's chart templates run by meshgate inject ${count} generated inputs (seed ${seed}) as Istio does`,
  async () => {
    const h = harness;
    if (!h) throw new Error('the Istio harness did not start');
    const cases = chartCases(seed, count);
    const results: CaseResult<ChartCase>[] = [];
    for (let i = 0; i < cases.length; i += 50) {
      const batch = cases.slice(i, i + 50);
      const theirs = await Promise.all(batch.map((c) => istio(h, c)));
      batch.forEach((c, j) => results.push({ c, verdict: compare(meshgate(c), istioResult(theirs[j] as HarnessResponse)) }));
      if ((i / 50) % 8 === 0) progress(`${i + batch.length}/${cases.length} compared, ${results.filter((r) => !r.verdict.agree).length} different`);
    }
    for (const n of show) {
      const r = results[n];
      if (r) print(describe(r));
    }
    const summary = summarise(seed, results);
    print(formatReport(summary, SUITE));
    const agreement = summary.total === 0 ? 100 : (100 * (summary.total - summary.failed)) / summary.total;
    expect(agreement, `agreement ${agreement.toFixed(2)} % is below ${minAgreement} %`).toBeGreaterThanOrEqual(minAgreement);
  },
  60 * 60_000,
);
