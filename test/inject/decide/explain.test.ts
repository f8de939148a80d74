// `explain`: the webhook selectors of §1.1 emulated for a revision, then the injector's checks.
import { describe, expect, it } from 'vitest';
import { injector, pod } from '../helpers.js';

interface Row {
  readonly revision?: string;
  readonly ns: Record<string, string>;
  readonly labels?: Record<string, string>;
  readonly selects: readonly string[];
  readonly verdict: string;
}

const ROWS: ReadonlyArray<readonly [string, Row]> = [
  ['istio-injection=enabled namespace', { ns: { 'istio-injection': 'enabled' }, selects: ['namespace.'], verdict: 'inject' }],
  ['enabled namespace wins over a namespace revision label', { ns: { 'istio-injection': 'enabled', 'istio.io/rev': 'canary' }, selects: ['namespace.'], verdict: 'inject' }],
  [
    'istio-injection=disabled stops even an opted-in Pod',
    { ns: { 'istio-injection': 'disabled' }, labels: { 'sidecar.istio.io/inject': 'true' }, selects: [], verdict: 'skip:namespace_disabled' },
  ],
  ['unlabelled namespace, Pod label inject=true', { ns: {}, labels: { 'sidecar.istio.io/inject': 'true' }, selects: ['object.'], verdict: 'inject' }],
  ['unlabelled namespace, nothing set', { ns: {}, selects: [], verdict: 'skip:namespace_not_enabled' }],
  [
    'Pod label inject=false in an enabled namespace',
    { ns: { 'istio-injection': 'enabled' }, labels: { 'sidecar.istio.io/inject': 'false' }, selects: [], verdict: 'skip:explicitly_disabled' },
  ],
  ['namespace istio.io/rev=default', { ns: { 'istio.io/rev': 'default' }, selects: ['rev.namespace.'], verdict: 'inject' }],
  ['Pod istio.io/rev=default in an unlabelled namespace', { ns: {}, labels: { 'istio.io/rev': 'default' }, selects: ['rev.object.'], verdict: 'inject' }],
  ['Pod selects canary, injector is default', { ns: {}, labels: { 'istio.io/rev': 'canary' }, selects: [], verdict: 'skip:revision_mismatch' }],
  ['Pod selects canary, injector is canary', { revision: 'canary', ns: {}, labels: { 'istio.io/rev': 'canary' }, selects: ['rev.object.'], verdict: 'inject' }],
  ['namespace selects canary, injector is canary', { revision: 'canary', ns: { 'istio.io/rev': 'canary' }, selects: ['rev.namespace.'], verdict: 'inject' }],
  [
    'canary injector leaves istio-injection=enabled to the default revision',
    { revision: 'canary', ns: { 'istio-injection': 'enabled' }, selects: [], verdict: 'skip:revision_mismatch' },
  ],
];

describe('explain: webhook selectors', () => {
  it.each(ROWS)('%s', async (_name, row) => {
    const inj = await injector({ revision: row.revision ?? '' });
    const e = inj.explain({ pod: pod(row.labels ? { labels: row.labels } : {}), namespaceLabels: row.ns });
    const selected = (e.webhooks ?? []).filter((w) => w.matched).map((w) => w.name.replace('sidecar-injector.meshgate.io', ''));
    expect(selected).toEqual(row.selects);
    expect(e.reason ? `${e.verdict}:${e.reason}` : e.verdict).toBe(row.verdict);
    expect(e.summary.length).toBeGreaterThan(10);
  });

  it('adds the auto. entry when namespaces are enabled by default', async () => {
    const inj = await injector({ values: { sidecarInjectorWebhook: { enableNamespacesByDefault: true } } });
    const e = inj.explain({ pod: pod(), namespaceLabels: {} });
    expect(e.webhooks?.filter((w) => w.matched).map((w) => w.name)).toEqual(['auto.sidecar-injector.meshgate.io']);
    const system = inj.explain({ pod: pod({ namespace: 'kube-public' }), namespaceLabels: {} });
    expect(system.verdict).toBe('skip');
  });

  it('reports the injector checks, templates and resulting containers', async () => {
    const e = (await injector()).explain({ pod: pod({ annotations: { 'inject.istio.io/templates': 'sidecar' } }), namespaceLabels: { 'istio-injection': 'enabled' } });
    expect(e).toMatchObject({ verdict: 'inject', templates: ['sidecar'], changes: { initContainers: ['istio-init', 'istio-proxy'], containers: ['web'] } });
    expect(e.summary).toContain('namespace.sidecar-injector.meshgate.io');
    expect(e.steps.map((s) => s.rule)).toEqual(['sidecar.istio.io/inject', 'policy']);
  });

  it('reports a denial with its reason', async () => {
    const e = (await injector()).explain({ pod: pod({ annotations: { 'inject.istio.io/templates': 'nope' } }) });
    expect(e).toMatchObject({ verdict: 'deny', reason: 'unknown_template' });
  });

  it('without namespace labels only the injector checks are reported', async () => {
    const e = (await injector()).explain({ pod: pod() });
    expect(e.webhooks).toBeUndefined();
    expect(e.verdict).toBe('inject');
  });
});
