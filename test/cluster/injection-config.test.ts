// Injection configuration from Istio-layout ConfigMaps: what they yield, or why not.
import { describe, expect, it } from 'vitest';
import { readInjectionConfig, type ConfigMapLike } from '../../src/cluster/injection-config.js';

const cm = (name: string, data: Record<string, string>): ConfigMapLike => ({ metadata: { name, namespace: 'meshgate-system' }, data });

describe('readInjectionConfig', () => {
  it('reads values (JSON), mesh (YAML) and meshgate templates', () => {
    const r = readInjectionConfig(
      cm('istio-sidecar-injector', { values: '{"global":{"hub":"registry.example/istio","tag":"1.2"}}', 'meshgate-templates': 'extra: |\n  spec: {}\n' }),
      cm('istio', { mesh: 'defaultConfig:\n  holdApplicationUntilProxyStarts: true\n' }),
    );
    expect(r).toEqual({
      ok: true,
      notes: [],
      sources: {
        values: { global: { hub: 'registry.example/istio', tag: '1.2' } },
        mesh: { defaultConfig: { holdApplicationUntilProxyStarts: true } },
        userTemplates: { extra: 'spec: {}\n' },
      },
    });
  });

  it('applies Istio `config` fields over values, and says what it ignores', () => {
    const r = readInjectionConfig(
      cm('istio-sidecar-injector', {
        values: 'global:\n  proxy:\n    autoInject: enabled\n',
        config: 'policy: disabled\nneverInjectSelector:\n- matchLabels: {legacy: "true"}\ntemplates:\n  sidecar: "{{ .Values }}"\nfoo: 1\n',
      }),
      undefined,
    );
    expect(r.ok && r.sources.values).toEqual({
      global: { proxy: { autoInject: 'disabled' } },
      sidecarInjectorWebhook: { neverInjectSelector: [{ matchLabels: { legacy: 'true' } }] },
    });
    expect(r.ok && r.notes).toEqual([expect.stringContaining('Istio Go templates and is ignored'), expect.stringContaining('`config.foo` is not used')]);
  });

  it('falls back to the file settings for absent keys, and merges templates over the files\'', () => {
    const r = readInjectionConfig(cm('istio-sidecar-injector', { 'meshgate-templates': 'b: y\n' }), undefined, {
      values: { global: { tag: 'file' } },
      mesh: { trustDomain: 'file.local' },
      userTemplates: { a: 'x', b: 'old' },
    });
    expect(r).toMatchObject({ ok: true, sources: { values: { global: { tag: 'file' } }, mesh: { trustDomain: 'file.local' }, userTemplates: { a: 'x', b: 'y' } } });
  });

  it('yields nothing but defaults when neither ConfigMap exists', () => {
    expect(readInjectionConfig(undefined, undefined)).toEqual({ ok: true, sources: {}, notes: [] });
  });

  it.each([
    [{ values: 'global: [unclosed' }, undefined, 'ConfigMap meshgate-system/istio-sidecar-injector key "values": not valid YAML or JSON'],
    [{ values: '- a\n- b\n' }, undefined, 'key "values": must be a mapping, got a list'],
    [{ config: '42' }, undefined, 'key "config": must be a mapping, got number'],
    [{ 'meshgate-templates': 'extra:\n  spec: {}\n' }, undefined, 'template "extra" must be a string'],
    [{}, { mesh: 'defaultConfig: {' }, 'ConfigMap meshgate-system/istio key "mesh": not valid YAML or JSON'],
  ])('rejects %j %j naming the ConfigMap and key', (injector, mesh, message) => {
    const r = readInjectionConfig(cm('istio-sidecar-injector', injector), mesh ? cm('istio', mesh) : undefined);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toContain(message);
  });
});
