import { describe, expect, it } from 'vitest';
import { validate, type Entry } from '../../src/cli/validate.js';
import type { CliIO } from '../../src/cli/io.js';

const DATA = 'test/data/validate/networking';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function run(argv: string[], stdin = ''): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: (t) => { stdout += t; },
    stderr: (t) => { stderr += t; },
    cwd: process.cwd(),
    env: {},
    readStdin: async () => stdin,
  };
  const code = await validate(argv, io);
  return { code, stdout, stderr };
}

async function json(argv: string[], stdin?: string): Promise<{ code: number; entries: Entry[] }> {
  const r = await run([...argv, '-o', 'json'], stdin);
  return { code: r.code, entries: JSON.parse(r.stdout) as Entry[] };
}

describe('meshgate validate: text output', () => {
  it('reports each object, its problems and a summary, and exits 1 when one is invalid', async () => {
    const r = await run(['-f', `${DATA}/bookinfo.yaml`, `${DATA}/broken/route-and-redirect.yaml`]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe([
      `${DATA}/bookinfo.yaml#0 Gateway bookinfo/bookinfo-gateway: valid`,
      `${DATA}/bookinfo.yaml#1 VirtualService bookinfo/bookinfo: valid`,
      `${DATA}/bookinfo.yaml#2 DestinationRule bookinfo/reviews: valid`,
      `${DATA}/bookinfo.yaml#3 Deployment bookinfo/reviews-v1: not checked (unknown kind)`,
      `${DATA}/broken/route-and-redirect.yaml VirtualService bookinfo/reviews: invalid`,
      '    spec.http[0].redirect: a route cannot have both destinations (route) and a redirect',
      '    spec.http[1].fault.abort.percentage.value: percentage 150 must be 0 or between 0.0001 and 100',
      '    warning: spec.http[1] is never used: spec.http[0] already matches every request',
      '5 objects: 3 valid, 1 invalid, 1 not checked',
      '',
    ].join('\n'));
  });

  it('prints only invalid objects and the summary with --quiet', async () => {
    const r = await run(['--quiet', '-f', `${DATA}/bookinfo.yaml`, '-f', `${DATA}/broken/route-and-redirect.yaml`]);
    expect(r.stdout.split('\n')).toEqual([
      `${DATA}/broken/route-and-redirect.yaml VirtualService bookinfo/reviews: invalid`,
      '    spec.http[0].redirect: a route cannot have both destinations (route) and a redirect',
      '    spec.http[1].fault.abort.percentage.value: percentage 150 must be 0 or between 0.0001 and 100',
      '5 objects: 3 valid, 1 invalid, 1 not checked',
      '',
    ]);
  });

  it('exits 0 when everything is valid, printing warnings', async () => {
    const yaml = 'apiVersion: networking.istio.io/v1alpha3\nkind: EnvoyFilter\nmetadata: {name: ef}\nspec: {}\n';
    const r = await run(['-f', '-'], yaml);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe([
      '- EnvoyFilter ef: valid',
      '    warning: EnvoyFilter patches Envoy internals, which change between releases; prefer other APIs and retest on upgrades',
      '1 objects: 1 valid, 0 invalid, 0 not checked',
      '',
    ].join('\n'));
  });
});

describe('meshgate validate: JSON output', () => {
  it('gives one entry per object in input order, walking directories recursively', async () => {
    const { code, entries } = await json(['-f', DATA]);
    expect(code).toBe(1);
    expect(entries.map((e) => [e.file, e.index, e.kind, e.valid, e.checked])).toEqual([
      [`${DATA}/bookinfo.yaml`, 0, 'Gateway', true, true],
      [`${DATA}/bookinfo.yaml`, 1, 'VirtualService', true, true],
      [`${DATA}/bookinfo.yaml`, 2, 'DestinationRule', true, true],
      [`${DATA}/bookinfo.yaml`, 3, 'Deployment', true, false],
      [`${DATA}/broken/route-and-redirect.yaml`, 0, 'VirtualService', false, true],
      [`${DATA}/broken/syntax.yaml`, 0, 'ServiceEntry', true, true],
      [`${DATA}/broken/syntax.yaml`, 1, '', false, true],
      [`${DATA}/list.json`, 0, 'WorkloadEntry', true, true],
      [`${DATA}/list.json`, 1, 'Sidecar', false, true],
    ]);
  });

  it('describes an entry fully', async () => {
    const { entries } = await json(['-f', `${DATA}/list.json`]);
    expect(entries[1]).toEqual({
      file: `${DATA}/list.json`, index: 1, apiVersion: 'networking.istio.io/v1alpha3', kind: 'Sidecar', namespace: 'vms', name: 'default',
      checked: true, valid: false,
      errors: [{ path: 'spec.egress[0].hosts[0]', message: '"*" must have the form namespace/host, such as "./*", "istio-system/*" or "*/foo.example.com"' }],
      warnings: [],
    });
  });

  it('turns a YAML syntax error into an invalid entry with an empty path', async () => {
    const { entries } = await json(['-f', `${DATA}/broken/syntax.yaml`]);
    expect(entries[1]?.errors).toEqual([{ path: '', message: expect.stringMatching(/^not valid YAML: .+ at line 13, column 1$/) as unknown as string }]);
  });

  it('reads standard input and reports documents that are not objects', async () => {
    const { code, entries } = await json(['-f', '-'], '--- just a string\n---\n- a\n- list\n');
    expect(code).toBe(1);
    expect(entries.map((e) => [e.file, e.index, e.errors])).toEqual([
      ['-', 0, [{ path: '', message: 'not a Kubernetes object: expected a mapping with apiVersion, kind and metadata' }]],
      ['-', 1, [{ path: '', message: 'not a Kubernetes object: expected a mapping with apiVersion, kind and metadata' }]],
    ]);
  });

  it('reads YAML the way kubectl does: "." stays a string, yes is a boolean', async () => {
    const yaml = 'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: se, namespace: ns}\n'
      + 'spec: {hosts: [a.example.com], exportTo: [., ns2], ports: [{number: 80, name: http, protocol: HTTP}], resolution: DNS}\n'
      + '---\napiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata: {name: sc}\nspec: {egress: [{hosts: [yes]}]}\n';
    const { entries } = await json(['-f', '-'], yaml);
    expect(entries[0]?.errors).toEqual([]);
    expect(entries[1]?.errors?.[0]).toEqual({ path: 'spec.egress[0].hosts[0]', message: 'must be a string, not true' });
  });
});

describe('meshgate validate: usage', () => {
  it.each<[string[], string]>([
    [[], 'meshgate validate: no input: give files or directories with -f (or -f - for standard input)\n'],
    [['-f', 'does-not-exist.yaml'], 'meshgate validate: does-not-exist.yaml: no such file or directory\n'],
    [['-f', DATA, '-o', 'yaml'], 'meshgate validate: -o must be text or json, not "yaml"\n'],
  ])('%j is a usage error', async (argv, message) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`${message}Run \`meshgate validate --help\` for usage.\n`);
  });

  it('explains itself with --help', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: meshgate validate -f PATH\.\.\. \[-o text\|json\] \[--quiet\]/);
    expect(r.stdout).toMatch(/Exit codes: 0 all objects are valid, 1 at least one is invalid/);
    expect(r.stdout).toMatch(/Example:\n {2}meshgate validate -f manifests\//);
  });
});

describe('meshgate validate --crds', () => {
  const widget = (spec: string): string => `apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: ns}\nspec: ${spec}\n`;

  it('validates against the named CRDs instead of the bundled ones', async () => {
    const { code, entries } = await json(['-f', '-', '--crds', 'test/data/validate/crds/widget.yaml'], `${widget('{size: 20, colour: blue}')}---\n${widget('{size: 3}')}`);
    expect(code).toBe(1);
    expect(entries.map((e) => e.errors)).toEqual([[{ path: 'spec', message: 'blue widgets come in sizes up to 10' }], []]);
  });

  it('reports a kind the named CRDs do not define as not checked', async () => {
    const vs = 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: v}\nspec: {hosts: [a]}\n';
    const { code, entries } = await json(['-f', '-', '--crds', 'test/data/validate/crds'], vs);
    expect(code).toBe(0);
    expect(entries[0]?.checked).toBe(false);
  });

  it('is a usage error when the path holds no CRD', async () => {
    const r = await run(['-f', '-', '--crds', 'test/data/validate/gatewayapi'], widget('{size: 1}'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^meshgate validate: --crds: no CustomResourceDefinition found in /);
  });
});
