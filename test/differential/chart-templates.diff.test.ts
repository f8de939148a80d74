// Istio's own chart templates of the pinned release, loaded as the user's configuration
// (`--injector-config` with the release's injector config, values and mesh config, as the
// harness renders them), must make meshgate inject exactly what Istio's injector does.
// MESHGATE_DIFF_SEED and MESHGATE_DIFF_COUNT choose the inputs (default 20261201, 2,000).
import { writeSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { buildInjector } from '../../src/config-source/build.js';
import { combine, overlayValues, readInjectorConfigFile, type Mapping } from '../../src/config-source/documents.js';
import { podTemplateOf } from '../../src/cli/inject.js';
import type { Injector } from '../../src/inject/index.js';
import { stderrProgress } from '../e2e/cluster/progress.js';
import { chartCases, type ChartCase } from './chart-inputs.js';
import { ensureHarness, startHarness, type IstioHarness } from './harness.js';

const seed = Number(process.env['MESHGATE_DIFF_SEED'] ?? '20261201');
const count = Number(process.env['MESHGATE_DIFF_COUNT'] ?? '2000');
const print = (text: string): void => void writeSync(1, `${text}\n`);
const progress = stderrProgress(Date.now(), 'chart-templates');

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

let harness: IstioHarness;
let chart: { config: string; values: Mapping; mesh: Mapping };

beforeAll(async () => {
  harness = startHarness({ binary: await ensureHarness(progress) });
  const res = await harness.request({ op: 'config' });
  if (!res.data) throw new Error(`the harness gave no chart data: ${res.message ?? ''}`);
  chart = { config: res.data.config, values: JSON.parse(res.data.values) as Mapping, mesh: (parseYaml(res.data.mesh) ?? {}) as Mapping };
}, 60 * 60_000);

afterAll(async () => harness?.close());

const injectors = new Map<string, Injector>();

/** meshgate configured from the release's chart: its config (Go templates), values and mesh. */
function injectorFor(c: ChartCase): Injector {
  const key = JSON.stringify([c.values, c.mesh, c.nativeSidecars]);
  let injector = injectors.get(key);
  if (!injector) {
    const parsed = readInjectorConfigFile(chart.config, 'chart config');
    const mesh = { ...chart.mesh, ...c.mesh, defaultConfig: { ...(chart.mesh['defaultConfig'] as Obj), ...(c.mesh['defaultConfig'] as Obj | undefined) } };
    const docs = combine({ ...parsed, values: overlayValues(chart.values, c.values), mesh }, 'chart config');
    injector = buildInjector(docs, { nativeSidecars: c.nativeSidecars, revision: '', controlPlaneEnv: {} });
    injectors.set(key, injector);
  }
  return injector;
}

type Verdict = { readonly kind: 'ok'; readonly object: unknown } | { readonly kind: 'denied'; readonly message: string };

function meshgate(c: ChartCase): Verdict {
  const t = podTemplateOf(c.object, 'shop');
  if (!t) return { kind: 'ok', object: c.object };
  const out = injectorFor(c).inject({ pod: t.pod, namespace: t.namespace, policy: 'enabled', ...(t.workload ? { workload: t.workload } : {}) });
  if (out.kind === 'deny') return { kind: 'denied', message: out.message };
  return { kind: 'ok', object: out.kind === 'skip' ? c.object : t.write(out.pod) };
}

async function istio(c: ChartCase): Promise<Verdict> {
  const res = await harness.request({
    op: 'inject', input: JSON.stringify(c.object), config: chart.config, values: JSON.stringify(c.values), mesh: JSON.stringify(c.mesh), nativeSidecars: c.nativeSidecars, namespace: 'shop',
  });
  if (res.outcome === 'denied') return { kind: 'denied', message: res.message ?? '' };
  if (res.outcome !== 'ok') throw new Error(`harness error on case ${c.index}: ${res.message ?? ''}`);
  return { kind: 'ok', object: res.objects?.[0] };
}

const UNITS: Readonly<Record<string, number>> = { '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 };

/** Equal forms made equal: no nulls, empty maps or status; quantities as numbers; JSON texts as data. */
function normalise(v: unknown, key = ''): unknown {
  if (Array.isArray(v)) return v.map((x) => normalise(x));
  if (typeof v === 'string' && (key === 'cpu' || key === 'memory')) {
    const m = /^([0-9.]+)([a-zA-Z]*)$/.exec(v);
    return m ? Number((Number(m[1]) * (UNITS[m[2] as string] ?? 1)).toPrecision(12)) : v;
  }
  if (typeof v === 'string' && /^\s*[[{]/.test(v)) {
    try {
      return { json: normalise(JSON.parse(v)) };
    } catch {
      return v;
    }
  }
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    // kube-inject prints a StatefulSet's empty serviceName; that is the workload, not injection.
    if (k === 'status' || k === 'creationTimestamp' || (k === 'serviceName' && x === '')) continue;
    const n = normalise(x, k);
    if (n === null || n === undefined || (isObj(n) && Object.keys(n).length === 0)) continue;
    out[k] = n;
  }
  return out;
}

function firstDifference(a: unknown, b: unknown, path = ''): string | undefined {
  if (JSON.stringify(a) === JSON.stringify(b)) return undefined;
  if (isObj(a) && isObj(b)) {
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      const d = firstDifference(a[k], b[k], `${path}.${k}`);
      if (d) return d;
    }
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
  }
  return `${path || '.'}: meshgate ${JSON.stringify(a)?.slice(0, 160)}, Istio ${JSON.stringify(b)?.slice(0, 160)}`;
}

test(`Istio's chart templates run by meshgate inject ${count} generated inputs (seed ${seed}) as Istio does`, async () => {
  const cases = chartCases(seed, count);
  const differences: string[] = [];
  let same = 0;
  for (let i = 0; i < cases.length; i += 50) {
    const batch = cases.slice(i, i + 50);
    const theirs = await Promise.all(batch.map(istio));
    batch.forEach((c, j) => {
      const ours = meshgate(c);
      const their = theirs[j] as Verdict;
      const d = ours.kind !== their.kind
        ? `verdict: meshgate ${ours.kind}${ours.kind === 'denied' ? ` (${ours.message})` : ''}, Istio ${their.kind}${their.kind === 'denied' ? ` (${their.message})` : ''}`
        : ours.kind === 'ok' && their.kind === 'ok' ? firstDifference(normalise(ours.object), normalise(their.object)) : undefined;
      if (d) differences.push(`#${c.index} ${String(c.object['kind'])}: ${d}`);
      else same++;
    });
    if ((i / 50) % 8 === 0) progress(`${i + batch.length}/${cases.length} compared, ${differences.length} different`);
  }
  for (const d of differences.slice(0, 30)) print(d);
  const agreement = (100 * same) / cases.length;
  print(`Istio chart templates: ${same} identical, ${differences.length} different (${agreement.toFixed(2)} %)`);
  expect(agreement).toBeGreaterThanOrEqual(99.9);
}, 60 * 60_000);
