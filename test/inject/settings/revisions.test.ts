// One rule for istio.io/rev in `meshgate inject`, `meshgate explain` and the webhook selectors,
// revision tags (their entries and the revision they resolve to), ambient-labelled Pods, and the
// `auto` decision for native sidecars from the Nodes' kubelet versions.
import { describe, expect, it } from 'vitest';
import { ambientSource } from '../../../src/inject/decide/ambient.js';
import { kubeletMinor, nativeFromNodes } from '../../../src/inject/decide/native.js';
import { askedRevision, revisionGate } from '../../../src/inject/settings/revisions.js';
import { matchEntries, webhookEntries } from '../../../src/inject/settings/webhooks.js';
import { injector, pod, runCli } from '../helpers.js';

const config = (revision: string, revisionTags: string[] = []): { revision: string; revisionTags: string[] } => ({ revision, revisionTags });

describe('the revision a Pod asks for', () => {
  it.each([
    ['no labels', undefined, {}, undefined],
    ['Pod label', undefined, { 'istio.io/rev': 'canary' }, 'canary'],
    ['namespace label beats the Pod label', { 'istio.io/rev': 'stable' }, { 'istio.io/rev': 'canary' }, 'stable'],
    ['istio-injection=enabled means the default revision', { 'istio-injection': 'enabled', 'istio.io/rev': 'stable' }, { 'istio.io/rev': 'canary' }, 'default'],
  ] as const)('%s', (_name, ns, podLabels, expected) => {
    expect(askedRevision(ns, podLabels)?.revision).toBe(expected);
  });

  it.each([
    ['the default revision serves an unlabelled Pod', config(''), undefined, {}],
    ['the default revision serves istio.io/rev=default', config(''), { revision: 'default', source: 's' }, {}],
    ['a tag of the revision resolves to it', config('1-31', ['prod-stable']), { revision: 'prod-stable', source: 's' }, { tag: 'prod-stable' }],
  ] as const)('%s', (_name, c, ask, expected) => {
    expect(revisionGate(c, ask)).toEqual(expected);
  });

  it('another revision is a skip that says which revision and how to select it', () => {
    const gate = revisionGate(config('', ['prod']), { revision: 'canary', source: 'the Pod label istio.io/rev=canary' });
    expect(gate.skip).toEqual({
      reason: 'revision_mismatch',
      message: 'the Pod label istio.io/rev=canary selects revision "canary", and this injector serves revision "default" (tags prod); to inject for it, use --revision canary',
    });
  });
});

describe('revision tags in the webhook entries', () => {
  it('a tag adds rev.namespace./rev.object. entries selecting its name in meshgate-revision-tag-<tag>', () => {
    const entries = webhookEntries('canary', false, ['prod-stable']);
    expect(entries.map((e) => `${e.configuration}/${e.name}`)).toEqual([
      'meshgate-sidecar-injector-canary/rev.namespace.sidecar-injector.meshgate.io',
      'meshgate-sidecar-injector-canary/rev.object.sidecar-injector.meshgate.io',
      'meshgate-revision-tag-prod-stable/rev.namespace.sidecar-injector.meshgate.io',
      'meshgate-revision-tag-prod-stable/rev.object.sidecar-injector.meshgate.io',
    ]);
    const matched = matchEntries(entries, {}, { 'istio.io/rev': 'prod-stable' }).filter((m) => m.matched);
    expect(matched.map((m) => m.name)).toEqual(['meshgate-revision-tag-prod-stable/rev.object.sidecar-injector.meshgate.io']);
    expect(matched[0]?.detail).toContain('tag prod-stable → revision canary');
  });

  it('the tag "default" also carries the namespace. and object. entries, as istioctl renders it', () => {
    const names = webhookEntries('1-31', false, ['default'])
      .filter((e) => e.tag === 'default')
      .map((e) => e.name.split('.')[0]);
    expect(names).toEqual(['rev', 'rev', 'namespace', 'object']);
  });
});

describe('inject (as istioctl kube-inject) and explain (as the webhook) on istio.io/rev', () => {
  const labelled = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n    istio.io/rev: canary\nspec:\n  containers:\n  - name: app\n    image: app\n';

  it('meshgate inject injects for its own revision and warns that the webhook would skip the Pod, which explain says', async () => {
    const injected = await runCli(['inject', '-f', '-'], labelled);
    expect(injected.code).toBe(0);
    expect(injected.stdout).toContain('istio-proxy');
    expect(injected.stderr).toContain(
      'warning: Pod "p": the Pod label istio.io/rev=canary selects revision "canary", and this injector serves revision "default"; to inject for it, use --revision canary (injected all the same',
    );
    const explained = await runCli(['explain', '-f', '-', '-o', 'json'], labelled);
    expect(JSON.parse(explained.stdout)[0]).toMatchObject({ verdict: 'skip', reason: 'revision_mismatch', summary: expect.stringContaining('selects revision "canary"') });
  });

  it('--revision selects, and a tag of the revision is injected for it', async () => {
    for (const argv of [
      ['--revision', 'canary'],
      ['--revision', '1-31', '--tag', 'canary'],
    ]) {
      const injected = await runCli(['inject', '-f', '-', ...argv], labelled);
      expect(injected.stdout, argv.join(' ')).toContain('istio-proxy');
      const explained = await runCli(['explain', '-f', '-', '-o', 'json', ...argv], labelled);
      expect(JSON.parse(explained.stdout)[0].verdict, argv.join(' ')).toBe('inject');
    }
    const viaTag = await runCli(['inject', '-f', '-', '--revision', '1-31', '--tag', 'canary'], labelled);
    expect(viaTag.stdout).toContain('istio.io/rev: 1-31');
  });

  it('with --namespace-labels istio-injection=enabled the default revision injects a canary-labelled Pod, as the selectors do', async () => {
    const injected = await runCli(['inject', '-f', '-', '--namespace-labels', 'istio-injection=enabled'], labelled);
    expect(injected.stdout).toContain('istio-proxy');
    const explained = await runCli(['explain', '-f', '-', '-o', 'json', '--namespace-labels', 'istio-injection=enabled'], labelled);
    expect(JSON.parse(explained.stdout)[0].verdict).toBe('inject');
  });

  it('the CLI says what --native-sidecars=auto means', async () => {
    const r = await runCli(['inject', '-f', '-'], labelled.replace('    istio.io/rev: canary\n', '    app: p\n'));
    expect(r.stderr).toContain('--native-sidecars=auto means on here');
    expect(r.stdout).toContain('restartPolicy: Always');
    const classic = await runCli(['inject', '-f', '-', '--native-sidecars=false'], labelled.replace('    istio.io/rev: canary\n', '    app: p\n'));
    expect(classic.stderr).not.toContain('auto means');
    expect(classic.stdout).not.toContain('restartPolicy: Always');
  });
});

describe('ambient-labelled Pods and namespaces', () => {
  it('are injected as Istio injects them, with a warning that names the label', async () => {
    const inj = await injector();
    const plain = inj.inject({ pod: pod() });
    const ambient = inj.inject({ pod: pod({ labels: { 'istio.io/dataplane-mode': 'ambient' } }) });
    expect(ambient.kind).toBe('inject');
    expect(plain.kind).toBe('inject');
    if (ambient.kind !== 'inject' || plain.kind !== 'inject') return;
    const containers = (o: typeof plain): unknown => (o.pod['spec'] as Record<string, unknown>)['initContainers'];
    expect(containers(ambient)).toEqual(containers(plain));
    expect(ambient.warnings.join('\n')).toContain('istio.io/dataplane-mode=ambient: the sidecar is injected all the same');
    expect(plain.warnings).toEqual([]);
  });

  it('explain says it for an ambient namespace too, whether the Pod is injected or not', async () => {
    const inj = await injector();
    const injected = inj.explain({ pod: pod(), namespaceLabels: { 'istio-injection': 'enabled', 'istio.io/dataplane-mode': 'ambient' } });
    expect(injected.verdict).toBe('inject');
    expect(injected.warnings.join('\n')).toContain('the namespace is labelled istio.io/dataplane-mode=ambient');
    const skipped = inj.explain({ pod: pod(), namespaceLabels: { 'istio.io/dataplane-mode': 'ambient' } });
    expect(skipped.verdict).toBe('skip');
    expect(skipped.warnings.join('\n')).toContain("Istio's CNI enrols it in ambient mode");
  });

  it('ambientSource prefers the Pod label', () => {
    expect(ambientSource({ 'istio.io/dataplane-mode': 'ambient' }, { 'istio.io/dataplane-mode': 'ambient' })).toBe('Pod');
    expect(ambientSource({}, { 'istio.io/dataplane-mode': 'ambient' })).toBe('namespace');
    expect(ambientSource({ 'istio.io/dataplane-mode': 'none' })).toBeUndefined();
  });
});

describe('native sidecars in auto mode, from the Nodes', () => {
  it.each([
    ['v1.33.0', 33],
    ['v1.34.2-eks-1', 34],
    ['1.32', 32],
    ['v1', 0],
    ['v1.31.4+k3s1', 31],
    ['not-a-version', undefined],
    ['', undefined],
  ] as const)('kubelet %s has minor %s', (version, minor) => {
    expect(kubeletMinor(version)).toBe(minor);
  });

  const nodes = (entries: Record<string, string>): Map<string, string> => new Map(Object.entries(entries));

  it.each([
    ['every Node new enough', '', { a: 'v1.33.1', b: 'v1.34.0' }, true],
    ['one old Node turns it off for unscheduled Pods', '', { a: 'v1.33.1', b: 'v1.32.5' }, false],
    ['a Pod on a new Node in a mixed cluster gets it', 'a', { a: 'v1.33.1', b: 'v1.32.5' }, true],
    ['a Pod on an old Node does not', 'b', { a: 'v1.33.1', b: 'v1.32.5' }, false],
    ['an unknown Node name falls back to all Nodes', 'c', { a: 'v1.33.1' }, true],
    ['an unreadable version counts as old', '', { a: 'garbage' }, false],
    ['no Nodes at all', '', {}, true],
  ] as const)('%s', (_name, nodeName, entries, enabled) => {
    const d = nativeFromNodes(nodeName, nodes(entries));
    expect(d.enabled).toBe(enabled);
    expect(d.why.length).toBeGreaterThan(10);
  });

  it("the Pod's own annotation still wins over the Nodes", async () => {
    const inj = await injector();
    const out = inj.inject({ pod: pod({ annotations: { 'sidecar.istio.io/nativeSidecar': 'true' } }), nativeSidecars: false });
    expect(out.kind === 'inject' && JSON.stringify(out.pod)).toContain('"restartPolicy":"Always"');
    const classic = inj.inject({ pod: pod(), nativeSidecars: false });
    expect(classic.kind === 'inject' && JSON.stringify(classic.pod)).not.toContain('"restartPolicy":"Always"');
  });
});
