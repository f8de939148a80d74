// The injector's own decision (Istio's injectRequired, behaviour §1.2), row by row.
import { describe, expect, it } from 'vitest';
import type { InjectOutcome } from '../../../src/inject/index.js';
import { injector, pod } from '../helpers.js';

type Verdict = 'inject' | `skip:${string}`;

const verdict = (o: InjectOutcome): Verdict | string => (o.kind === 'inject' ? 'inject' : `${o.kind}:${o.reason}`);

const NEVER = { matchLabels: { never: 'yes' } };
const ALWAYS = { matchLabels: { always: 'yes' } };

interface Row {
  readonly policy: 'enabled' | 'disabled';
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
  readonly selectors?: boolean;
  readonly want: Verdict;
}

const ROWS: ReadonlyArray<readonly [string, Row]> = [
  ['enabled policy, nothing set', { policy: 'enabled', want: 'inject' }],
  ['disabled policy, nothing set', { policy: 'disabled', want: 'skip:policy_disabled' }],
  [
    'disabled policy, label true beats annotation false',
    { policy: 'disabled', labels: { 'sidecar.istio.io/inject': 'true' }, annotations: { 'sidecar.istio.io/inject': 'false' }, want: 'inject' },
  ],
  [
    'disabled policy, label false beats annotation true',
    { policy: 'disabled', labels: { 'sidecar.istio.io/inject': 'false' }, annotations: { 'sidecar.istio.io/inject': 'true' }, want: 'skip:explicitly_disabled' },
  ],
  ['enabled policy, label "random" falls back to the policy', { policy: 'enabled', labels: { 'sidecar.istio.io/inject': 'random' }, want: 'inject' }],
  ['disabled policy, annotation "on" falls back to the policy', { policy: 'disabled', annotations: { 'sidecar.istio.io/inject': 'on' }, want: 'skip:policy_disabled' }],
  [
    'enabled policy, annotation true beats a matching never selector',
    { policy: 'enabled', labels: { never: 'yes' }, annotations: { 'sidecar.istio.io/inject': 'true' }, selectors: true, want: 'inject' },
  ],
  [
    'disabled policy, never and always both match: never wins',
    { policy: 'disabled', labels: { never: 'yes', always: 'yes' }, selectors: true, want: 'skip:never_inject_selector' },
  ],
  ['enabled policy, never selector matches', { policy: 'enabled', labels: { never: 'yes' }, selectors: true, want: 'skip:never_inject_selector' }],
  ['disabled policy, always selector matches', { policy: 'disabled', labels: { always: 'yes' }, selectors: true, want: 'inject' }],
  [
    'an empty label hides the annotation (enabled)',
    { policy: 'enabled', labels: { 'sidecar.istio.io/inject': '' }, annotations: { 'sidecar.istio.io/inject': 'false' }, want: 'inject' },
  ],
  [
    'an empty label hides the annotation (disabled)',
    { policy: 'disabled', labels: { 'sidecar.istio.io/inject': '' }, annotations: { 'sidecar.istio.io/inject': 'true' }, want: 'skip:policy_disabled' },
  ],
  ['annotation false alone', { policy: 'enabled', annotations: { 'sidecar.istio.io/inject': 'false' }, want: 'skip:explicitly_disabled' }],
];

describe('decision table', () => {
  it.each(ROWS)('%s', async (_name, row) => {
    const values = {
      global: { proxy: { autoInject: row.policy } },
      ...(row.selectors ? { sidecarInjectorWebhook: { neverInjectSelector: [NEVER], alwaysInjectSelector: [ALWAYS] } } : {}),
    };
    const inj = await injector({ values });
    const out = inj.inject({ pod: pod({ ...(row.labels ? { labels: row.labels } : {}), ...(row.annotations ? { annotations: row.annotations } : {}) }) });
    expect(verdict(out)).toBe(row.want);
  });

  it('warns about an inject value that is neither true nor false', async () => {
    const out = (await injector()).inject({ pod: pod({ labels: { 'sidecar.istio.io/inject': 'yes' } }) });
    expect(out.kind === 'inject' && out.warnings).toEqual([expect.stringContaining('"yes" is neither "true" nor "false"')]);
  });

  it.each([
    ['hostNetwork', { spec: { hostNetwork: true } }, 'shop', 'skip:host_network'],
    ['kube-system', {}, 'kube-system', 'skip:ignored_namespace'],
    ['local-path-storage', {}, 'local-path-storage', 'skip:ignored_namespace'],
    ['istio-system is not ignored', {}, 'istio-system', 'inject'],
  ] as const)('%s', async (_name, extra, namespace, want) => {
    const out = (await injector()).inject({ pod: pod({ ...extra, namespace }) });
    expect(verdict(out)).toBe(want);
  });

  it('fills the namespace from the request when the Pod has none, without adding it to the Pod', async () => {
    const p = pod();
    delete (p['metadata'] as Record<string, unknown>)['namespace'];
    const inj = await injector();
    expect(verdict(inj.inject({ pod: p, namespace: 'kube-system' }))).toBe('skip:ignored_namespace');
    const out = inj.inject({ pod: p, namespace: 'shop' });
    expect(out.kind).toBe('inject');
    if (out.kind !== 'inject') return;
    expect((out.pod['metadata'] as Record<string, unknown>)['namespace']).toBeUndefined();
    expect(JSON.stringify(out.pod)).toContain('kubernetes://apis/v1/namespaces/shop/pods/web');
  });

  it('kube-inject forces the policy to enabled', async () => {
    const inj = await injector({ values: { global: { proxy: { autoInject: 'disabled' } } } });
    expect(verdict(inj.inject({ pod: pod() }))).toBe('skip:policy_disabled');
    expect(verdict(inj.inject({ pod: pod(), policy: 'enabled' }))).toBe('inject');
  });

  it('skip messages say why, in words', async () => {
    const out = (await injector()).inject({ pod: pod({ spec: { hostNetwork: true } }) });
    expect(out).toMatchObject({ kind: 'skip', reason: 'host_network', message: expect.stringContaining('host network') });
  });
});
