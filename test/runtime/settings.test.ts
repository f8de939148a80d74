// The injector's settings from meshgate's own configuration (runtime/settings.ts): a revision tag
// is served with its revision's Istio ConfigMaps, and istiod's ENABLE_NATIVE_SIDECARS, when it
// says true or false, takes precedence over --native-sidecars=auto's per-Pod decision.
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../src/config.js';
import { buildInjector } from '../../src/config-source/build.js';
import { documentsFromConfigMaps, istioConfigMapNames } from '../../src/config-source/configmaps.js';
import { readInjectionFiles } from '../../src/config-source/files.js';
import { askedRevision, revisionGate } from '../../src/inject/settings/revisions.js';
import { nativeNote, nativePerPod, runtimeOf } from '../../src/runtime/settings.js';

const TEMPLATE =
  'metadata:\n  labels:\n    from: {{ .Values.global.meshID | quote }}\n    rev: {{ .Revision | quote }}\nspec:\n  containers:\n  {{- range .Spec.Containers }}\n  - name: {{ .Name }}\n  {{- end }}\n';
const cm = (name: string, data: Record<string, string>): { metadata: { name: string; namespace: string }; data: Record<string, string> } => ({
  metadata: { name, namespace: 'istio-system' },
  data,
});

describe('revision tags in cluster mode', () => {
  it("read the revision's ConfigMaps and inject a Pod labelled with the tag with them", async () => {
    const config = buildConfig({ flags: { cluster: true, revision: 'canary', 'revision-tags': 'prod,stable' }, env: {} });
    expect(istioConfigMapNames(config.revision)).toEqual({ injector: 'istio-sidecar-injector-canary', mesh: 'istio-canary' });
    const rt = runtimeOf(config);
    expect(rt).toMatchObject({ revision: 'canary', revisionTags: ['prod', 'stable'] });
    const injectorCm = cm('istio-sidecar-injector-canary', {
      config: JSON.stringify({ policy: 'enabled', templates: { sidecar: TEMPLATE } }),
      values: '{"global":{"meshID":"canary-mesh"}}',
    });
    const docs = documentsFromConfigMaps(injectorCm, undefined, await readInjectionFiles({}));
    const injector = buildInjector(docs, rt);
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'shop', labels: { 'istio.io/rev': 'prod' } },
      spec: { containers: [{ name: 'app', image: 'app' }] },
    };
    expect(revisionGate(injector.settings.config, askedRevision(undefined, pod.metadata.labels))).toEqual({ tag: 'prod' });
    const out = injector.inject({ pod, namespace: 'shop' });
    expect(out.kind).toBe('inject');
    const labels = out.kind === 'inject' ? (out.pod['metadata'] as { labels: Record<string, string> }).labels : {};
    expect(labels).toMatchObject({ from: 'canary-mesh', rev: 'canary' });
  });
});

describe('native sidecars: --native-sidecars and ENABLE_NATIVE_SIDECARS', () => {
  const cfg = (flags: Record<string, string | boolean>): ReturnType<typeof buildConfig> => buildConfig({ flags, env: {} });

  it("auto decides per Pod in cluster mode unless istiod's setting says true or false", () => {
    expect(nativePerPod(cfg({ cluster: true }))).toBe(true);
    expect(nativePerPod(cfg({ cluster: true, 'control-plane-env': 'ENABLE_NATIVE_SIDECARS=auto' }))).toBe(true);
    expect(nativePerPod(cfg({ cluster: true, 'control-plane-env': 'ENABLE_NATIVE_SIDECARS=false' }))).toBe(false);
    expect(nativePerPod(cfg({ cluster: true, 'native-sidecars': 'true' }))).toBe(false);
    expect(nativePerPod(cfg({}))).toBe(false);
  });

  it('the start-up line says which setting decides', () => {
    expect(nativeNote(cfg({ cluster: true, 'control-plane-env': 'ENABLE_NATIVE_SIDECARS=false' }))).toBe('off (ENABLE_NATIVE_SIDECARS in --control-plane-env)');
    expect(nativeNote(cfg({ cluster: true }))).toMatch(/^auto: per Pod/);
    expect(runtimeOf(cfg({ 'native-sidecars': 'false' })).nativeSidecars).toBe(false);
  });
});
