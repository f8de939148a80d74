// OpenShift's proxy IDs: the highest of the Namespace's ranges, in both annotation forms, and
// injection with values.global.platform: openshift takes them from the Namespace it is given.
import { describe, expect, it } from 'vitest';
import { buildInjectorSettings, createInjector } from '../../../src/inject/index.js';
import { highestOfRange, openshiftProxyIds } from '../../../src/inject/render/openshift.js';
import { builtInTemplates } from '../helpers.js';

describe('OpenShift proxy IDs', () => {
  it.each([
    ['1000620000/10000', 1000629999],
    ['1000620000-1000629999', 1000629999],
    ['5000/10,7000/10', 5009],
    ['', undefined],
    ['bogus', undefined],
  ])('highest of %j is %j', (value, want) => expect(highestOfRange(value)).toBe(want));

  it('the group falls back to the user range, and both to 1337', () => {
    expect(openshiftProxyIds({ 'openshift.io/sa.scc.uid-range': '100/10' })).toEqual({ uid: 109, gid: 109 });
    expect(openshiftProxyIds(undefined)).toEqual({ uid: 1337, gid: 1337 });
  });

  it('the built-in sidecar runs as the Namespace range on OpenShift', async () => {
    const settings = buildInjectorSettings({
      templates: await builtInTemplates(),
      values: { global: { platform: 'openshift' }, pilot: { cni: { enabled: true } } },
      nativeSidecars: true,
      revision: '',
    });
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec: { containers: [{ name: 'app', image: 'x' }] } };
    const out = createInjector(settings).inject({
      pod,
      namespace: 'ns',
      namespaceMeta: { annotations: { 'openshift.io/sa.scc.uid-range': '2000/100', 'openshift.io/sa.scc.supplemental-groups': '3000/100' } },
    });
    if (out.kind !== 'inject') throw new Error(out.kind);
    const proxy = (out.pod['spec'] as { initContainers: { name: string; securityContext: Record<string, unknown> }[] }).initContainers.find((c) => c.name === 'istio-proxy');
    expect(proxy?.securityContext).toMatchObject({ runAsUser: 2099, runAsGroup: 3099 });
    expect(createInjector(settings).needsNamespace).toBe(true);
  });
});
