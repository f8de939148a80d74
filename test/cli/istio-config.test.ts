// `meshgate inject` with Istio's configuration as stored: the injector ConfigMap as
// --injector-config or --values, the istio ConfigMap as --mesh, istioctl's flag names, Go
// templates from the config, istiod settings and the Namespace object.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../inject/helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'meshgate-istio-config-'));
const write = (name: string, text: string): string => {
  writeFileSync(join(tmp, name), text);
  return join(tmp, name);
};
const configMap = (name: string, data: Record<string, string>): string => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'istio-system' }, data });

const POD = write('pod.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: shop\nspec:\n  containers:\n  - name: app\n    image: app\n');
const TEMPLATE = 'metadata:\n  labels:\n    rev: {{ .Revision | default "none" | quote }}\nspec:\n  containers:\n  {{- range .Spec.Containers }}\n  - name: {{ .Name }}\n    env:\n    - name: POLICY\n      value: {{ $.CompliancePolicy | quote }}\n  {{- end }}\n';
const CONFIG = { templates: { sidecar: TEMPLATE }, policy: 'enabled' };

type Pod = { metadata: { labels?: Record<string, string> }; spec: { containers: { name: string; env?: { name: string; value: string }[] }[] } };
const podOf = (stdout: string): Pod => parse(stdout) as Pod;

describe('meshgate inject with Istio configuration', () => {
  it('runs the Go templates of an injector ConfigMap given as --injector-config, with istiod settings', async () => {
    const cm = write('injector.json', configMap('istio-sidecar-injector', { config: JSON.stringify(CONFIG), values: '{"global":{"hub":"r.example"}}' }));
    const r = await runCli(['inject', '-f', POD, '--injector-config', cm, '--control-plane-env', 'COMPLIANCE_POLICY=fips-140-3']);
    expect(r.code).toBe(0);
    const pod = podOf(r.stdout);
    expect(pod.metadata.labels?.['rev']).toBe('none');
    expect(pod.spec.containers[0]?.env).toEqual([{ name: 'POLICY', value: 'fips-140-3' }]);
    expect(r.stderr).toMatch(/read the istio-sidecar-injector ConfigMap istio-sidecar-injector/);
  });

  it('the ConfigMap given as --values (istioctl: --valuesFile) is recognised and said so', async () => {
    const cm = write('injector2.json', configMap('istio-sidecar-injector', { config: JSON.stringify(CONFIG), values: '{}' }));
    const r = await runCli(['inject', '-f', POD, '--valuesFile', cm]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/is the istio-sidecar-injector ConfigMap .*using its values and its config/);
    expect(podOf(r.stdout).spec.containers[0]?.env?.[0]?.name).toBe('POLICY');
  });

  it('a bare template text is the sidecar template, as istioctl --injectConfigFile reads it', async () => {
    const r = await runCli(['inject', '-f', POD, '--injectConfigFile', write('t.tmpl', TEMPLATE), '--revision', 'canary']);
    expect(r.code).toBe(0);
    expect(podOf(r.stdout).metadata.labels?.['rev']).toBe('canary');
  });

  it.each([
    [['--control-plane-env', 'NOEQUALS'], /--control-plane-env "NOEQUALS" is not KEY=VALUE/],
    [['--values', POD, '--valuesFile', POD], /--values and --valuesFile name the same setting/],
    [['--namespace-file', POD], /must hold a Namespace object/],
    [['--mesh', 'MESH_CM'], /holding a mesh config|without a "mesh" key/],
    [['--values', 'MESH_CM'], /holding a mesh config .*pass it with --mesh/],
    [['--injector-config', 'BROKEN'], /template "sidecar": line 1, column 9: missing value for if/],
  ])('%j is a usage error naming the problem', async (flags, message) => {
    const files: Record<string, string> = {
      MESH_CM: write('mesh-cm.json', configMap('istio', { mesh: 'trustDomain: a' })),
      BROKEN: write('broken.yaml', 'templates:\n  sidecar: "{{ if }}"\n'),
    };
    const argv = flags.map((f) => files[f] ?? f);
    const r = await runCli(['inject', '-f', POD, ...argv]);
    if (argv[0] === '--mesh') {
      expect(r.code).toBe(0);
      return;
    }
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
