// Istio's configuration as stored: ConfigMaps recognised wherever a document is expected, the
// injector config applied over values, its Go templates taken as the whole template set, and
// what the ConfigMaps of a cluster yield over the file settings.
import { describe, expect, it } from 'vitest';
import { documentsFromConfigMaps, istioConfigMapNames } from '../../src/config-source/configmaps.js';
import { readInjectorConfigFile, readMeshFile, readValuesFile, combine } from '../../src/config-source/documents.js';

const configMap = (name: string, data: Record<string, string>): string =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'istio-system' }, data });

const INJECTOR_CONFIG = 'policy: disabled\ndefaultTemplates: [sidecar, extra]\ntemplates:\n  sidecar: "spec: {}"\n  extra: |\n    metadata: {labels: {a: "{{ .Revision }}"}}\n';

describe('reading Istio documents', () => {
  it('the injector ConfigMap given as --values is recognised: its values and config are used, and it says so', () => {
    const r = readValuesFile(configMap('istio-sidecar-injector', { values: '{"global":{"hub":"r.example/istio"}}', config: INJECTOR_CONFIG }), 'values file v.yaml');
    expect(r.values).toEqual({ global: { hub: 'r.example/istio' } });
    expect(r.config?.['policy']).toBe('disabled');
    expect(r.notes[0]).toMatch(/values file v\.yaml is the istio-sidecar-injector ConfigMap istio-sidecar-injector/);
  });

  it('the istio ConfigMap given as --values is refused with the right flag named', () => {
    expect(() => readValuesFile(configMap('istio', { mesh: 'trustDomain: x' }), 'values file m.yaml')).toThrow(/holding a mesh config .*pass it with --mesh/);
  });

  it('--mesh takes a MeshConfig or the istio ConfigMap', () => {
    expect(readMeshFile('trustDomain: a.example', 'mesh').mesh).toEqual({ trustDomain: 'a.example' });
    expect(readMeshFile(configMap('istio-canary', { mesh: 'trustDomain: b.example' }), 'mesh').mesh).toEqual({ trustDomain: 'b.example' });
    expect(() => readMeshFile(configMap('other', { foo: 'x' }), 'mesh')).toThrow(/without a "mesh" key/);
  });

  it('the injector config maps its fields over values and brings its Go templates', () => {
    const parsed = readInjectorConfigFile(INJECTOR_CONFIG, 'injector config c.yaml');
    const docs = combine({ ...parsed, values: { global: { hub: 'h' } } }, 'injector config c.yaml');
    expect(docs.values).toEqual({ global: { hub: 'h', proxy: { autoInject: 'disabled' } }, sidecarInjectorWebhook: { defaultTemplates: ['sidecar', 'extra'] } });
    expect(Object.keys(docs.goTemplates ?? {})).toEqual(['sidecar', 'extra']);
  });

  it('a bare template text is the template "sidecar", as istioctl reads --injectConfigFile', () => {
    const parsed = readInjectorConfigFile('{{ if .Values }}spec: {}{{ end }}\n', 'injector config t.tmpl');
    expect(combine(parsed, 'x').goTemplates).toEqual({ sidecar: '{{ if .Values }}spec: {}{{ end }}\n' });
  });
});

describe('ConfigMaps in the cluster', () => {
  it('names follow the revision as istiod reads them', () => {
    expect(istioConfigMapNames('')).toEqual({ injector: 'istio-sidecar-injector', mesh: 'istio' });
    expect(istioConfigMapNames('default')).toEqual({ injector: 'istio-sidecar-injector', mesh: 'istio' });
    expect(istioConfigMapNames('canary')).toEqual({ injector: 'istio-sidecar-injector-canary', mesh: 'istio-canary' });
  });

  const cm = (name: string, data: Record<string, string>): { metadata: { name: string; namespace: string }; data: Record<string, string> } => ({
    metadata: { name, namespace: 'istio-system' },
    data,
  });

  it('keys override the file settings; absent keys fall back to them', () => {
    const docs = documentsFromConfigMaps(cm('istio-sidecar-injector', { config: INJECTOR_CONFIG, 'meshgate-templates': 'b: y\n' }), undefined, {
      templates: { sidecar: 'builtin' },
      values: { global: { tag: 'file' } },
      mesh: { trustDomain: 'file.local' },
      userTemplates: { a: 'x', b: 'old' },
      notes: [],
    });
    expect(docs.values).toMatchObject({ global: { tag: 'file', proxy: { autoInject: 'disabled' } } });
    expect(docs.mesh).toEqual({ trustDomain: 'file.local' });
    expect(docs.userTemplates).toEqual({ a: 'x', b: 'y' });
    expect(Object.keys(docs.goTemplates ?? {})).toEqual(['sidecar', 'extra']);
    expect(docs.templates).toEqual({ sidecar: 'builtin' });
  });

  it.each([
    [{ values: 'global: [unclosed' }, 'ConfigMap istio-system/istio-sidecar-injector key "values": not valid YAML or JSON'],
    [{ values: '- a\n- b\n' }, 'key "values": must be a mapping'],
    [{ config: 'templates: [a]' }, 'templates: must map template names to Go template text'],
  ])('rejects %j naming the ConfigMap and key', (data, message) => {
    expect(() => documentsFromConfigMaps(cm('istio-sidecar-injector', data), undefined, { notes: [] })).toThrow(message);
  });
});
