// Building settings: values merged over the chart defaults (null removes), mesh applied the
// Istio way, every read setting checked with its name in the error, files loaded by the shell.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyMesh, buildConfig, mergeValues } from '../../../src/inject/settings/config.js';
import { InjectorConfigError } from '../../../src/inject/errors.js';
import { buildInjectorSettings } from '../../../src/inject/index.js';
import { readInjectionFiles, type InjectionFiles } from '../../../src/config-source/files.js';

/** Reads the files and builds the settings, as `meshgate inject` does. */
async function loadInjectorSettings(o: InjectionFiles & { nativeSidecars: boolean; revision: string }): Promise<ReturnType<typeof buildInjectorSettings>> {
  const docs = await readInjectionFiles(o);
  return buildInjectorSettings({
    templates: docs.templates ?? {},
    ...(docs.values ? { values: docs.values } : {}),
    ...(docs.mesh ? { mesh: docs.mesh } : {}),
    ...(docs.userTemplates ? { userTemplates: docs.userTemplates } : {}),
    nativeSidecars: o.nativeSidecars,
    revision: o.revision,
  });
}
import { builtInTemplates } from '../helpers.js';

describe('values and mesh', () => {
  it('merges values key by key; an explicit null removes a default', () => {
    expect(mergeValues({ a: { b: 1, c: 2 }, d: [1] }, { a: { c: null, e: 3 }, d: [2] })).toEqual({ a: { b: 1, e: 3 }, d: [2] });
  });

  it('applies mesh config: top level replaces, defaultConfig and proxyMetadata merge, providers by name', () => {
    const base = { trustDomain: 'a', defaultConfig: { statusPort: 15020, proxyMetadata: { A: '1' } }, extensionProviders: [{ name: 'p', x: 1 }] };
    const out = applyMesh(base, { trustDomain: 'b', defaultConfig: { concurrency: 2, proxyMetadata: { B: '2' } }, extensionProviders: [{ name: 'p', y: 2 }, { name: 'q' }] });
    expect(out).toEqual({
      trustDomain: 'b',
      defaultConfig: { statusPort: 15020, concurrency: 2, proxyMetadata: { A: '1', B: '2' } },
      extensionProviders: [{ name: 'p', y: 2 }, { name: 'q' }],
    });
  });

  it('the revision sets the discovery and CA addresses, unless values say otherwise', () => {
    const c = buildConfig({ revision: 'canary', nativeSidecars: true });
    expect((c.mesh['defaultConfig'] as Record<string, unknown>)['discoveryAddress']).toBe('istiod-canary.istio-system.svc:15012');
    expect(c.values['revision']).toBe('canary');
  });

  it('defaults: released images, policy enabled, sidecar template', () => {
    const c = buildConfig({ revision: '', nativeSidecars: true });
    expect(c.values['global']).toMatchObject({ hub: 'docker.io/istio', tag: '1.31.0' });
    expect(c).toMatchObject({ policy: 'enabled', defaultTemplates: ['sidecar'], rewriteAppHTTPProbe: true });
  });
});

describe('configuration errors name the setting', () => {
  it.each([
    [{ global: { hub: 7 } }, undefined, 'values.global.hub'],
    [{ global: { proxy: { autoInject: 'sometimes' } } }, undefined, 'values.global.proxy.autoInject'],
    [{ global: { proxy: { statusPort: 'x' } } }, undefined, 'values.global.proxy.statusPort'],
    [{ global: { proxy: { includeIPRanges: 'bad' } } }, undefined, 'values.global.proxy.includeIPRanges'],
    [{ global: { imagePullPolicy: 'Sometimes' } }, undefined, 'values.global.imagePullPolicy'],
    [{ sidecarInjectorWebhook: { neverInjectSelector: [{ matchExpressions: [{ key: 'a', operator: 'Like' }] }] } }, undefined, 'values.sidecarInjectorWebhook.neverInjectSelector'],
    [{ sidecarInjectorWebhook: { templates: { x: 1 } } }, undefined, 'values.sidecarInjectorWebhook.templates'],
    ['not an object', undefined, 'values'],
    [undefined, { defaultConfig: { interceptionMode: 'SOMETIMES' } }, 'mesh.defaultConfig.interceptionMode'],
    [undefined, { enablePrometheusMerge: 'yes' }, 'mesh.enablePrometheusMerge'],
  ])('values %j mesh %j → %s', async (values, mesh, setting) => {
    const build = async (): Promise<unknown> => buildInjectorSettings({ values, mesh, templates: await builtInTemplates(), nativeSidecars: true, revision: '' });
    await expect(build()).rejects.toThrow(InjectorConfigError);
    await expect(build()).rejects.toThrow(`${setting}:`);
  });

  it('a bad template never yields a half-built injector', async () => {
    const templates = { ...(await builtInTemplates()), broken: 'spec: {x: ${ + }}' };
    expect(() => buildInjectorSettings({ templates, nativeSidecars: true, revision: '' })).toThrow(/template "broken"/);
  });
});

describe('loading from files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshgate-settings-'));
  const file = (name: string, text: string): string => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };

  it('reads YAML and JSON, and the package templates', async () => {
    const settings = await loadInjectorSettings({
      valuesFile: file('values.yaml', 'global:\n  hub: my.registry/istio\n'),
      meshFile: file('mesh.json', '{"trustDomain": "example.org"}'),
      nativeSidecars: false,
      revision: '',
    });
    expect(settings.templateNames).toEqual(['gateway', 'grpc-agent', 'grpc-simple', 'sidecar']);
    expect(settings.config.mesh['trustDomain']).toBe('example.org');
    expect((settings.config.values['global'] as Record<string, unknown>)['hub']).toBe('my.registry/istio');
  });

  it('adds templates from an extra directory', async () => {
    const extra = mkdtempSync(join(tmpdir(), 'meshgate-templates-'));
    writeFileSync(join(extra, 'audit.yaml'), 'metadata: {annotations: {audited: "true"}}\n');
    writeFileSync(join(extra, 'README.md'), 'not a template');
    const settings = await loadInjectorSettings({ extraTemplatesDir: extra, nativeSidecars: true, revision: '' });
    expect(settings.templateNames).toContain('audit');
    expect(settings.templateNames).not.toContain('README');
  });

  it.each([
    [{ valuesFile: '/nonexistent/values.yaml' }, /values file \/nonexistent\/values\.yaml: cannot read/],
    [{ meshFile: 'BAD' }, /mesh file .*: not valid YAML or JSON/],
    [{ templatesDir: '/nonexistent-templates' }, /templates: cannot read the template directory/],
  ])('%j fails with a clear message', async (opts, message) => {
    const o = 'meshFile' in opts ? { meshFile: file('bad.yaml', 'a: [') } : opts;
    await expect(loadInjectorSettings({ ...o, nativeSidecars: true, revision: '' })).rejects.toThrow(message);
  });
});
