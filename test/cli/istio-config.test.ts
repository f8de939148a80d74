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
const configMap = (name: string, data: Record<string, string>): string =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'istio-system' }, data });

const POD = write('pod.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: shop\nspec:\n  containers:\n  - name: app\n    image: app\n');
const TEMPLATE =
  'metadata:\n  labels:\n    rev: {{ .Revision | default "none" | quote }}\nspec:\n  containers:\n  {{- range .Spec.Containers }}\n  - name: {{ .Name }}\n    env:\n    - name: POLICY\n      value: {{ $.CompliancePolicy | quote }}\n  {{- end }}\n';
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

  it("--namespace-file gives each Pod its Namespace's OpenShift ranges, and a lone Namespace names the namespace", async () => {
    const values = write('openshift.yaml', 'global:\n  platform: openshift\npilot:\n  cni:\n    enabled: true\n');
    const ns = (name: string, range: string): string =>
      `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n  annotations:\n    openshift.io/sa.scc.uid-range: ${range}\n`;
    const proxyUser = (stdout: string): unknown => {
      const spec = (parse(stdout) as { spec: { initContainers?: { name: string; securityContext?: { runAsUser?: number } }[] } }).spec;
      return spec.initContainers?.find((c) => c.name === 'istio-proxy')?.securityContext?.runAsUser;
    };
    const both = await runCli([
      'inject',
      '-f',
      POD,
      '--values',
      values,
      '--namespace-file',
      write('ns-other.yaml', ns('other', '5000/10')),
      '--namespace-file',
      write('ns-shop.yaml', ns('shop', '2000/100')),
    ]);
    expect(both.code).toBe(0);
    expect(proxyUser(both.stdout)).toBe(2099);
    const unnamed = write('pod-unnamed.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: app\n    image: app\n');
    const lone = await runCli(['inject', '-f', unnamed, '--values', values, '--namespace-file', write('ns-lone.yaml', ns('lone', '7000/10'))]);
    expect(lone.code).toBe(0);
    expect(proxyUser(lone.stdout)).toBe(7009);
  });

  it("a Pod labelled with a revision tag is injected with the revision's Istio configuration; without --tag it is injected with a warning, as kube-inject does", async () => {
    const cm = write('injector-canary.json', configMap('istio-sidecar-injector-canary', { config: JSON.stringify(CONFIG), values: '{}' }));
    const tagged = write(
      'pod-tagged.yaml',
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: shop\n  labels:\n    istio.io/rev: prod\nspec:\n  containers:\n  - name: app\n    image: app\n',
    );
    const r = await runCli(['inject', '-f', tagged, '--injector-config', cm, '--revision', 'canary', '--tag', 'prod', '--control-plane-env', 'COMPLIANCE_POLICY=fips-140-3']);
    expect(r.code).toBe(0);
    const pod = podOf(r.stdout);
    expect(pod.metadata.labels?.['rev']).toBe('canary');
    expect(pod.spec.containers[0]?.env).toEqual([{ name: 'POLICY', value: 'fips-140-3' }]);
    const untagged = await runCli(['inject', '-f', tagged, '--injector-config', cm, '--revision', 'canary']);
    expect(untagged.code).toBe(0);
    expect(podOf(untagged.stdout).metadata.labels?.['rev']).toBe('canary');
    expect(untagged.stderr).toMatch(/warning: .*selects revision "prod".*injected all the same.*revision_mismatch/);
  });

  it('the labels of a --namespace-file Namespace choose the revision, as --namespace-labels do', async () => {
    const cm = write('injector-ns.json', configMap('istio-sidecar-injector', { config: JSON.stringify(CONFIG), values: '{}' }));
    const ns = write('ns-canary.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    istio.io/rev: canary\n');
    const r = await runCli(['inject', '-f', POD, '--injector-config', cm, '--namespace-file', ns]);
    expect(r.code).toBe(0);
    expect(podOf(r.stdout).metadata.labels?.['rev']).toBe('none');
    expect(r.stderr).toMatch(/warning: .*the namespace label istio.io\/rev=canary selects revision "canary".*injected all the same/);
    const mine = await runCli(['inject', '-f', POD, '--injector-config', cm, '--namespace-file', ns, '--revision', 'canary']);
    expect(podOf(mine.stdout).spec.containers[0]?.env?.[0]?.name).toBe('POLICY');
  });

  it.each([
    [['--control-plane-env', 'NOEQUALS'], /--control-plane-env "NOEQUALS" is not KEY=VALUE/],
    [['--values', POD, '--valuesFile', POD], /--values and --valuesFile name the same setting/],
    [['--namespace-file', POD], /--namespace-file \S+pod\.yaml holds no Namespace object/],
    [['--mesh', 'MESH_CM'], /holding a mesh config|without a "mesh" key/],
    [['--values', 'MESH_CM'], /holding a mesh config .*pass it with --mesh/],
    [['--injector-config', 'BROKEN'], /template "sidecar": line 1, column 9: missing value for if/],
  ])('%j fails with one line naming the problem (exit 2)', async (flags, message) => {
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
    expect(r.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('Run `meshgate inject --help`'))).toHaveLength(1);
  });
});
