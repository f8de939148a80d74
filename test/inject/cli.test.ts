// `meshgate inject` and `meshgate explain` through their command-line contract.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { data, runCli } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'meshgate-cli-'));
const write = (name: string, text: string): string => {
  writeFileSync(join(tmp, name), text);
  return join(tmp, name);
};

const POD = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: app\n    image: app\n';

describe('meshgate inject', () => {
  it('--help explains every flag', async () => {
    const r = await runCli(['inject', '--help']);
    expect(r.code).toBe(0);
    for (const flag of ['-f', '--values', '--mesh', '--native-sidecars', '--revision', '--namespace', '--templates', '--extra-templates', '-o']) expect(r.stdout).toContain(flag);
  });

  it.each([
    [['inject'], /-f FILE is required/],
    [['inject', '-f', '/nonexistent.yaml'], /\/nonexistent\.yaml: no such file/],
    [['inject', '-f', 'sleep.yaml', '--native-sidecars=maybe'], /--native-sidecars must be auto, true or false/],
    [['inject', '-f', 'sleep.yaml', '--bogus'], /Unknown option/],
    [['inject', '-f', 'sleep.yaml', '--values', '/nonexistent-values.yaml'], /values file \/nonexistent-values\.yaml: cannot read/],
  ])('%j is a usage error (exit 2)', async (argv, message) => {
    const r = await runCli(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('a bad values file names the setting (exit 2)', async () => {
    const r = await runCli(['inject', '-f', data('sleep.yaml'), '--values', write('bad-values.yaml', 'global:\n  proxy:\n    statusPort: http\n')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('values.global.proxy.statusPort');
  });

  it('a YAML syntax error in the input is unreadable input: one line with its position (exit 2)', async () => {
    const file = write('broken.yaml', 'kind: Pod\nmetadata: [\n');
    const r = await runCli(['inject', '-f', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`meshgate inject: ${file}:3:1: not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]\n`);
  });

  it('a duplicate key is refused as kubectl refuses it (exit 2)', async () => {
    const file = write('dup.yaml', POD.replace('  name: p\n', '  name: p\n  name: q\n'));
    const r = await runCli(['inject', '-f', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`meshgate inject: ${file}:5:3: duplicate key "name": a mapping must not repeat a key (kubectl and kustomize refuse it)\n`);
  });

  it('a denied Pod exits 1 with the reason on stderr and nothing on stdout', async () => {
    const bad = POD.replace('  name: p\n', '  name: p\n  annotations:\n    traffic.sidecar.istio.io/excludeOutboundPorts: "smtp"\n');
    const r = await runCli(['inject', '-f', write('denied.yaml', bad)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('traffic.sidecar.istio.io/excludeOutboundPorts (excludeOutboundPorts): "smtp"');
  });

  it('a hostNetwork workload is printed unchanged, with a note on stderr', async () => {
    const text = POD.replace('spec:\n', 'spec:\n  hostNetwork: true\n');
    const r = await runCli(['inject', '-f', write('host.yaml', text)]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/not injecting Pod "p": .*host network/);
    expect(parseAllDocuments(r.stdout)[0]?.toJS()).toEqual(parseAllDocuments(text)[0]?.toJS());
  });

  it('reads standard input with -f - and keeps document order; other kinds pass through', async () => {
    const input = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: first\ndata:\n  enabled: "on"\n  answer: "yes"\n---\n${POD}---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: last\n`;
    const r = await runCli(['inject', '-f', '-', '--namespace', 'ns1'], input);
    expect(r.code).toBe(0);
    const docs = parseAllDocuments(r.stdout, { version: '1.1' }).map((d) => d.toJS() as Record<string, any>);
    expect(docs.map((d) => d['kind'])).toEqual(['ConfigMap', 'Pod', 'Secret']);
    // Strings that YAML 1.1 readers (kubectl) would take for booleans stay quoted.
    expect(docs[0]?.['data']).toEqual({ enabled: 'on', answer: 'yes' });
    expect(docs[1]?.['metadata']['namespace']).toBeUndefined();
    expect(JSON.stringify(docs[1])).toContain('namespaces/ns1/pods/p');
  });

  it('--output-file writes the result to a file', async () => {
    const out = join(tmp, 'out.yaml');
    const r = await runCli(['inject', '-f', write('pod.yaml', POD), '--output-file', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(readFileSync(out, 'utf8')).toContain('istio-proxy');
  });

  it('-o is the output format: json prints the object, several documents as a List', async () => {
    const one = await runCli(['inject', '-f', write('pod-json.yaml', POD), '-o', 'json']);
    expect(one.code).toBe(0);
    expect(JSON.parse(one.stdout)).toMatchObject({ kind: 'Pod', metadata: { name: 'p' } });
    const two = await runCli(['inject', '-f', write('two.yaml', `${POD}---\n${POD}`), '-o', 'json']);
    expect(JSON.parse(two.stdout)).toMatchObject({ apiVersion: 'v1', kind: 'List', items: [{ kind: 'Pod' }, { kind: 'Pod' }] });
  });

  it('-o with a file name says to use --output-file (exit 2), instead of writing a file named "yaml"', async () => {
    const r = await runCli(['inject', '-f', write('pod-o.yaml', POD), '-o', 'out.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'meshgate inject: -o/--output is the output format: yaml, json; got "out.yaml"; to write the output to a file, use --output-file out.yaml\nRun `meshgate inject --help` for usage.\n',
    );
  });

  it('--extra-templates adds templates a Pod can ask for', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshgate-extra-'));
    writeFileSync(join(dir, 'audit.yaml'), 'metadata:\n  annotations:\n    audit.example.com/by: meshgate\n');
    const pod = POD.replace('  name: p\n', '  name: p\n  annotations:\n    inject.istio.io/templates: sidecar,audit\n');
    const r = await runCli(['inject', '-f', write('audit-pod.yaml', pod), '--extra-templates', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('audit.example.com/by: meshgate');
  });
});

describe('meshgate explain', () => {
  it('--help explains every flag', async () => {
    const r = await runCli(['explain', '--help']);
    expect(r.code).toBe(0);
    for (const flag of ['-f', '--namespace-labels', '--namespace', '--revision', '-o']) expect(r.stdout).toContain(flag);
  });

  it('sleep in an istio-injection=enabled namespace: injected', async () => {
    const r = await runCli(['explain', '-f', data('sleep.yaml'), '--namespace-labels', 'istio-injection=enabled']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Deployment "shop/sleep": INJECT');
    expect(r.stdout).toMatch(/selects namespace\.sidecar-injector\.meshgate\.io/);
  });

  it("the canary copy is selected by the canary revision's entries only", async () => {
    const canary = await runCli(['explain', '-f', data('canary-gateway.yaml'), '--revision', 'canary', '-o', 'json']);
    const [e] = JSON.parse(canary.stdout) as Array<Record<string, any>>;
    expect(e).toMatchObject({ kind: 'Deployment', name: 'edge-gateway-canary', verdict: 'inject', revision: 'canary', templates: ['gateway'] });
    expect(e?.['webhooks'].filter((w: Record<string, unknown>) => w['matched']).map((w: Record<string, unknown>) => w['name'])).toEqual([
      'rev.object.sidecar-injector.meshgate.io',
    ]);
    const defaultRev = await runCli(['explain', '-f', data('canary-gateway.yaml'), '-o', 'json']);
    expect(JSON.parse(defaultRev.stdout)[0]).toMatchObject({ verdict: 'skip', reason: 'revision_mismatch' });
  });

  it('explains a denial, and exits 1 as every command does for a denied Pod', async () => {
    const r = await runCli([
      'explain',
      '-f',
      write('deny.yaml', POD.replace('  name: p\n', '  name: p\n  annotations:\n    inject.istio.io/templates: nope\n')),
      '--namespace-labels',
      'istio-injection=enabled',
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/DENY \(unknown_template\)/);
  });

  it.each([
    [['explain'], /-f FILE is required/],
    [['explain', '-f', 'sleep.yaml', '-o', 'table'], /-o\/--output is the output format: text, json, yaml; got "table"/],
    [['explain', '-f', 'sleep.yaml', '--namespace-labels', 'novalue'], /key=value/],
    [['explain', '-f', 'cni-multus.values.yaml'], /no Pod or workload to explain/],
  ])('%j is a usage error', async (argv, message) => {
    const r = await runCli(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
