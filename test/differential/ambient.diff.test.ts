// Ambient-labelled Pods and namespaces (istio.io/dataplane-mode=ambient) against Istio's own
// injection webhook (the harness's `webhook` operation: inject.NewWebhook as istiod builds it).
// For every case the two decide alike (inject or not, and the containers that result), and in
// both the ambient label changes nothing: the Pod injected with the label equals the Pod
// injected without it, but for the label itself.
import { writeSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildInjector } from '../../src/config-source/build.js';
import { readInjectionFiles } from '../../src/config-source/files.js';
import type { Injector } from '../../src/inject/index.js';
import { stderrProgress } from '../e2e/cluster/progress.js';
import { ensureHarness, startHarness, type IstioHarness } from './harness.js';

type Obj = Record<string, unknown>;
const AMBIENT = 'istio.io/dataplane-mode';

interface Case {
  readonly name: string;
  readonly podLabels?: Record<string, string>;
  readonly podAnnotations?: Record<string, string>;
  readonly namespaceLabels?: Record<string, string>;
  readonly hostNetwork?: boolean;
}

const CASES: readonly Case[] = [
  { name: 'Pod labelled ambient', podLabels: { [AMBIENT]: 'ambient' } },
  { name: 'namespace labelled ambient', namespaceLabels: { [AMBIENT]: 'ambient', 'istio-injection': 'enabled' } },
  { name: 'both labelled ambient', podLabels: { [AMBIENT]: 'ambient' }, namespaceLabels: { [AMBIENT]: 'ambient' } },
  { name: 'ambient Pod that opts in', podLabels: { [AMBIENT]: 'ambient', 'sidecar.istio.io/inject': 'true' } },
  { name: 'ambient Pod whose annotation opts out', podLabels: { [AMBIENT]: 'ambient' }, podAnnotations: { 'sidecar.istio.io/inject': 'false' } },
  { name: 'ambient Pod on the host network', podLabels: { [AMBIENT]: 'ambient' }, hostNetwork: true },
  { name: 'Pod labelled dataplane-mode none', podLabels: { [AMBIENT]: 'none' } },
];

function pod(c: Case, withAmbient: boolean): Obj {
  const labels = Object.fromEntries(Object.entries({ app: 'cart', ...c.podLabels }).filter(([k]) => withAmbient || k !== AMBIENT));
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'cart', namespace: 'shop', labels, ...(c.podAnnotations ? { annotations: c.podAnnotations } : {}) },
    spec: { ...(c.hostNetwork ? { hostNetwork: true } : {}), containers: [{ name: 'cart', image: 'shop/cart:1', ports: [{ containerPort: 8080 }] }] },
  };
}

function review(p: Obj): Obj {
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: 'u-1',
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      namespace: 'shop',
      operation: 'CREATE',
      object: p,
    },
  };
}

const names = (p: Obj | undefined, list: string): string[] => (((p?.['spec'] as Obj | undefined)?.[list] as Obj[] | undefined) ?? []).map((c) => String(c['name']));
const injected = (p: Obj | undefined): boolean => names(p, 'containers').includes('istio-proxy') || names(p, 'initContainers').includes('istio-proxy');

/** The Pod without the ambient label, for comparing an injection with and without it. */
function withoutAmbient(p: Obj | undefined): unknown {
  const copy = structuredClone(p ?? {}) as { metadata?: { labels?: Record<string, string> } };
  delete copy.metadata?.labels?.[AMBIENT];
  return copy;
}

let harness: IstioHarness;
let meshgate: Injector;

beforeAll(async () => {
  harness = startHarness({ binary: await ensureHarness(stderrProgress(Date.now(), 'ambient')) });
  const values = { global: { hub: 'docker.io/istio', tag: '1.31.0' } };
  const docs = await readInjectionFiles({});
  meshgate = buildInjector({ ...docs, values }, { nativeSidecars: true, revision: '', controlPlaneEnv: {} });
});

let passed = 0;

afterAll(async () => {
  await harness.close();
  // The line `npm run test:differential` collects (test/differential/run.mjs).
  writeSync(1, `ambient: ${passed} passed, ${CASES.length - passed} failed\n`);
});

async function istio(c: Case, withAmbient: boolean): Promise<{ allowed: boolean; pod?: Obj }> {
  const namespaceObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: c.namespaceLabels ?? {} } };
  const res = await harness.request({ op: 'webhook', review: review(pod(c, withAmbient)), namespaceObject, nativeSidecars: true });
  expect(res.outcome, res.message).not.toBe('error');
  const answer = res.admissionResponse as { allowed?: boolean } | undefined;
  return { allowed: answer?.allowed === true, ...(res.pod ? { pod: res.pod as Obj } : {}) };
}

function ours(c: Case, withAmbient: boolean): { allowed: boolean; pod?: Obj; warnings: readonly string[] } {
  const out = meshgate.inject({ pod: pod(c, withAmbient), namespace: 'shop', ...(c.namespaceLabels ? { namespaceLabels: c.namespaceLabels } : {}) });
  if (out.kind === 'deny') return { allowed: false, warnings: [] };
  if (out.kind === 'skip') return { allowed: true, warnings: [] };
  return { allowed: true, pod: out.pod, warnings: out.warnings };
}

describe("ambient-labelled Pods and namespaces: meshgate decides as Istio's injection webhook does", () => {
  it.each(CASES)('$name', async (c) => {
    const theirs = await istio(c, true);
    const mine = ours(c, true);
    expect(mine.allowed).toBe(theirs.allowed);
    expect(injected(mine.pod ?? pod(c, true))).toBe(injected(theirs.pod));
    if (injected(theirs.pod)) {
      expect(names(mine.pod, 'initContainers')).toEqual(names(theirs.pod, 'initContainers'));
      expect(names(mine.pod, 'containers')).toEqual(names(theirs.pod, 'containers'));
    }
    // In both, the label changes nothing but itself.
    const theirsPlain = await istio(c, false);
    expect(withoutAmbient(theirs.pod)).toEqual(withoutAmbient(theirsPlain.pod));
    expect(withoutAmbient(mine.pod)).toEqual(withoutAmbient(ours(c, false).pod));
    // And meshgate says what happens to an ambient Pod that gets a sidecar.
    if (injected(mine.pod) && (c.podLabels?.[AMBIENT] === 'ambient' || c.namespaceLabels?.[AMBIENT] === 'ambient')) {
      expect(mine.warnings.join('\n')).toContain(`${AMBIENT}=ambient: the sidecar is injected all the same`);
    }
    passed += 1;
  });
});
