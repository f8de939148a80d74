// `meshgate validate` through its command-line contract: text and JSON reports, kubectl's
// strictness (unknown versions and kinds, missing apiVersion/kind, duplicate keys), the
// injector's checks on Pods and workloads, skipped files and --exclude, exit codes.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validate, type Entry } from '../../src/cli/validate.js';
import { capture } from '../helpers/cli.js';

const DATA = 'test/data/validate/networking';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function run(argv: string[], stdin = '', cwd?: string): Promise<Run> {
  const io = capture({ stdin, ...(cwd ? { cwd } : {}) });
  const code = await validate(argv, io);
  return { code, stdout: io.out(), stderr: io.err() };
}

async function json(argv: string[], stdin?: string): Promise<{ code: number; entries: Entry[] }> {
  const r = await run([...argv, '-o', 'json'], stdin);
  return { code: r.code, entries: JSON.parse(r.stdout) as Entry[] };
}

const VS = (apiVersion: string, extra = ''): string =>
  `apiVersion: ${apiVersion}\nkind: VirtualService\nmetadata: {name: reviews, namespace: shop}\nspec:\n  hosts: [reviews]\n  http:\n  - route: [{destination: {host: reviews}}]\n${extra}`;

describe('meshgate validate: text output', () => {
  it('reports each object with its file:line and API group, its problems with their lines, and a summary', async () => {
    const r = await run(['-f', `${DATA}/bookinfo.yaml`, `${DATA}/broken/route-and-redirect.yaml`]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      [
        `${DATA}/bookinfo.yaml:3 Gateway.networking.istio.io bookinfo/bookinfo-gateway: valid`,
        `${DATA}/bookinfo.yaml:19 VirtualService.networking.istio.io bookinfo/bookinfo: valid`,
        `${DATA}/bookinfo.yaml:39 DestinationRule.networking.istio.io bookinfo/reviews: valid`,
        `${DATA}/bookinfo.yaml:54 Deployment.apps bookinfo/reviews-v1: not checked (a Kubernetes kind meshgate has no rules for)`,
        `${DATA}/broken/route-and-redirect.yaml:3 VirtualService.networking.istio.io bookinfo/reviews: invalid`,
        '    line 11: spec.http[0].redirect: a route cannot have both destinations (route) and a redirect',
        '    line 15: spec.http[1].fault.abort.percentage.value: percentage 150 must be 0 or between 0.0001 and 100',
        '    warning: spec.http[1] is never used: spec.http[0] already matches every request',
        '5 objects: 3 valid, 1 invalid, 1 not checked',
        '',
      ].join('\n'),
    );
  });

  it('prints only invalid objects and the summary with --quiet', async () => {
    const r = await run(['--quiet', '-f', `${DATA}/bookinfo.yaml`, '-f', `${DATA}/broken/route-and-redirect.yaml`]);
    expect(r.stdout.split('\n')).toEqual([
      `${DATA}/broken/route-and-redirect.yaml:3 VirtualService.networking.istio.io bookinfo/reviews: invalid`,
      '    line 11: spec.http[0].redirect: a route cannot have both destinations (route) and a redirect',
      '    line 15: spec.http[1].fault.abort.percentage.value: percentage 150 must be 0 or between 0.0001 and 100',
      '5 objects: 3 valid, 1 invalid, 1 not checked',
      '',
    ]);
  });

  it('labels standard input <stdin>, says "1 object", and exits 0 when everything is valid', async () => {
    const yaml = 'apiVersion: networking.istio.io/v1alpha3\nkind: EnvoyFilter\nmetadata: {name: ef}\nspec: {}\n';
    const r = await run(['-f', '-'], yaml);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        '<stdin>:1 EnvoyFilter.networking.istio.io ef: valid',
        '    warning: EnvoyFilter patches Envoy internals, which change between releases; prefer other APIs and retest on upgrades',
        '1 object: 1 valid, 0 invalid, 0 not checked',
        '',
      ].join('\n'),
    );
  });

  it("tells Istio's Gateway from Gateway API's Gateway", async () => {
    const yaml = [
      'apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: web}\nspec: {selector: {istio: ingressgateway}, servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]}',
      'apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: web}\nspec: {gatewayClassName: istio, listeners: [{name: http, port: 80, protocol: HTTP}]}',
    ].join('\n---\n');
    const r = await run(['-f', '-'], yaml);
    expect(r.stdout.split('\n').slice(0, 2)).toEqual(['<stdin>:1 Gateway.networking.istio.io web: valid', '<stdin>:6 Gateway.gateway.networking.k8s.io web: valid']);
  });
});

describe("meshgate validate: kubectl's strictness", () => {
  it.each<[string, string, string[]]>([
    [
      'a version the CRDs do not serve',
      VS('networking.istio.io/v2'),
      [
        '<stdin>:1 VirtualService.networking.istio.io shop/reviews: invalid',
        '    line 1: apiVersion: VirtualService does not exist in version networking.istio.io/v2; use networking.istio.io/v1 or networking.istio.io/v1beta1 or networking.istio.io/v1alpha3',
      ],
    ],
    [
      'an unknown kind in a mesh group',
      VS('networking.istio.io/v1').replace('kind: VirtualService', 'kind: VirtualServce'),
      ['<stdin>:1 VirtualServce.networking.istio.io shop/reviews: invalid', '    line 2: kind: networking.istio.io has no kind "VirtualServce"; did you mean VirtualService?'],
    ],
    [
      'an unknown Gateway API kind',
      'apiVersion: gateway.networking.k8s.io/v1\nkind: HttpRoute\nmetadata: {name: r}\n',
      ['<stdin>:1 HttpRoute.gateway.networking.k8s.io r: invalid', '    line 2: kind: gateway.networking.k8s.io has no kind "HttpRoute"; did you mean HTTPRoute?'],
    ],
    [
      'a document without apiVersion',
      'kind: VirtualService\nmetadata: {name: r}\n',
      ['<stdin>:1 VirtualService r: invalid', '    line 1: apiVersion: missing: every Kubernetes object names its API group and version (kubectl refuses it without)'],
    ],
    [
      'a document without kind',
      'apiVersion: v1\nmetadata: {name: r}\n',
      ['<stdin>:1 (no kind) r: invalid', '    line 1: kind: missing: every Kubernetes object names its kind (kubectl refuses it without)'],
    ],
    [
      'a removed Kubernetes version',
      'apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: d}\n',
      ['<stdin>:1 Deployment.extensions d: invalid', '    line 1: apiVersion: Deployment does not exist in version extensions/v1beta1; it is no longer served by Kubernetes'],
    ],
    [
      'a Kubernetes kind in a version it does not have',
      'apiVersion: apps/v1beta2\nkind: Deployment\nmetadata: {name: d}\n',
      ['<stdin>:1 Deployment.apps d: invalid', '    line 1: apiVersion: Deployment does not exist in version apps/v1beta2; use apps/v1'],
    ],
  ])('%s is an error with its line (exit 1)', async (_name, yaml, lines) => {
    const r = await run(['-f', '-'], yaml);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n').slice(0, lines.length)).toEqual(lines);
  });

  it('a duplicate key is an unreadable document with its line and column (exit 2)', async () => {
    const r = await run(['-f', '-'], VS('networking.istio.io/v1', '  http:\n  - route: [{destination: {host: ratings}}]\n'));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe(
      [
        '<stdin>:1 VirtualService.networking.istio.io shop/reviews: not readable',
        '    line 8: duplicate key "http": a mapping must not repeat a key (kubectl and kustomize refuse it)',
        '1 object: 0 valid, 0 invalid, 0 not checked, 1 not readable',
        '',
      ].join('\n'),
    );
    const { entries } = await json(['-f', '-'], VS('networking.istio.io/v1', '  http: []\n'));
    expect(entries[0]).toMatchObject({ status: 'unreadable', valid: false, errors: [{ path: '', line: 8, column: 3 }] });
  });

  it('a YAML syntax error is an unreadable entry with an empty path and its position (exit 2)', async () => {
    const { code, entries } = await json(['-f', `${DATA}/broken/syntax.yaml`]);
    expect(code).toBe(2);
    expect(entries[1]?.errors).toEqual([{ path: '', message: expect.stringMatching(/^not valid YAML: /) as unknown as string, line: 13, column: 1 }]);
  });

  it('Kubernetes kinds and kinds no CRD defines are not checked, and say which; every kind the CRDs define is checked', async () => {
    const yaml =
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\napiVersion: gateway.envoyproxy.io/v1alpha1\nkind: EnvoyProxy\nmetadata: {name: e}\n---\napiVersion: extensions.istio.io/v1alpha1\nkind: TrafficExtension\nmetadata: {name: t}\nspec: {}\n';
    const r = await run(['-f', '-'], yaml);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')).toEqual([
      '<stdin>:1 ConfigMap c: not checked (a Kubernetes kind meshgate has no rules for)',
      '<stdin>:5 EnvoyProxy.gateway.envoyproxy.io e: not checked (no CRD defines this kind; --crds adds CRDs)',
      '<stdin>:9 TrafficExtension.extensions.istio.io t: invalid',
      '    line 12: spec: exactly one of wasm or lua must be set',
      '3 objects: 0 valid, 1 invalid, 2 not checked',
      '',
    ]);
  });
});

describe("meshgate validate: Pods and workloads get the injector's checks", () => {
  const deployment = (annotation: string): string =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata:\n      labels: {app: web}\n      annotations:\n        ${annotation}\n    spec:\n      containers: [{name: web, image: nginx}]\n`;

  it('a bad traffic annotation on a Deployment is the denial the webhook would give', async () => {
    const r = await run(['-f', '-'], deployment('traffic.sidecar.istio.io/excludeOutboundPorts: "abc"'));
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')).toEqual([
      '<stdin>:1 Deployment.apps shop/web: invalid',
      '    line 10: spec.template.metadata.annotations["traffic.sidecar.istio.io/excludeOutboundPorts"]: the sidecar injector would deny this Pod: invalid annotation value: annotation traffic.sidecar.istio.io/excludeOutboundPorts (excludeOutboundPorts): "abc" is not a port number (0-65535) in port list "abc"',
      '1 object: 0 valid, 1 invalid, 0 not checked',
      '',
    ]);
  });

  it('an unknown injection template on a Pod is an error; a good Pod is valid', async () => {
    const pod = (annotations: string): string => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations: {${annotations}}\nspec:\n  containers: [{name: a, image: a}]\n`;
    const r = await run(['-f', '-'], `${pod('inject.istio.io/templates: nope')}---\n${pod('sidecar.istio.io/proxyCPU: 100m')}`);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')).toEqual([
      '<stdin>:1 Pod p: invalid',
      '    line 5: metadata.annotations["inject.istio.io/templates"]: the sidecar injector would deny this Pod: inject.istio.io/templates asks for "nope", which is not a known template (known: gateway, grpc-agent, grpc-simple, sidecar)',
      '<stdin>:9 Pod p: valid',
      '2 objects: 1 valid, 1 invalid, 0 not checked',
      '',
    ]);
  });

  it('--extra-templates makes a custom template known, as for meshgate inject', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshgate-validate-tpl-'));
    writeFileSync(join(dir, 'spire.yaml'), 'metadata:\n  annotations:\n    spire: "yes"\n');
    const r = await run(['-f', '-', '--extra-templates', dir], deployment('inject.istio.io/templates: sidecar,spire'));
    expect(r.code).toBe(0);
  });
});

describe('meshgate validate: files that are not Kubernetes objects, and --exclude', () => {
  const tree = (): string => {
    const root = mkdtempSync(join(tmpdir(), 'meshgate-validate-tree-'));
    const file = (path: string, text: string): void => {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), text);
    };
    file('app/vs.yaml', VS('networking.istio.io/v1'));
    file('app/kustomization.yaml', 'resources: [vs.yaml]\n');
    file('app/notes.yaml', 'owner: team-a\n');
    file('chart/Chart.yaml', 'apiVersion: v2\nname: c\nversion: 1.0.0\n');
    file('chart/values.yaml', 'replicas: 2\n');
    file('chart/templates/vs.yaml', 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: {{ .Release.Name }}\n');
    file('tmpl/route.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ include "name" . }}\n');
    file('old/vs.yaml', VS('networking.istio.io/v2'));
    return root;
  };

  it('skips Helm charts, templates, kustomizations and files without apiVersion/kind, with a note each', async () => {
    const root = tree();
    const r = await run(['-f', '.', '--exclude', 'old'], '', root);
    expect(r.code).toBe(0);
    expect(r.stderr.split('\n')).toEqual([
      'meshgate validate: skipped app/kustomization.yaml: a kustomization (render it first, e.g. kubectl kustomize DIR | meshgate … -f -)',
      'meshgate validate: skipped chart: a Helm chart, not Kubernetes objects (render it first, e.g. helm template)',
      'meshgate validate: skipped app/notes.yaml: no document has an apiVersion or kind, so it is not a Kubernetes manifest',
      'meshgate validate: skipped tmpl/route.yaml: a Helm or Go template, not Kubernetes objects (render it first, e.g. helm template)',
      '',
    ]);
    expect(r.stdout).toBe('app/vs.yaml:1 VirtualService.networking.istio.io shop/reviews: valid\n1 object: 1 valid, 0 invalid, 0 not checked\n');
  });

  it('--exclude takes names anywhere and paths with "/"; without it the old file fails the run', async () => {
    const root = tree();
    expect((await run(['-f', '.'], '', root)).code).toBe(1);
    expect((await run(['-f', '.', '--exclude', 'old/**'], '', root)).code).toBe(0);
    expect((await run(['-f', root, '--exclude', 'old/**'], '', '/')).code).toBe(0);
    expect((await run(['-f', 'old', '--exclude', '*.yaml'], '', root)).stdout).toBe('0 objects: 0 valid, 0 invalid, 0 not checked\n');
  });
});

describe('meshgate validate: JSON output', () => {
  it('gives one entry per object in input order, walking directories recursively', async () => {
    const { code, entries } = await json(['-f', DATA]);
    expect(code).toBe(2);
    expect(entries.map((e) => [e.file, e.index, e.line, e.kind, e.status])).toEqual([
      [`${DATA}/bookinfo.yaml`, 0, 3, 'Gateway', 'valid'],
      [`${DATA}/bookinfo.yaml`, 1, 19, 'VirtualService', 'valid'],
      [`${DATA}/bookinfo.yaml`, 2, 39, 'DestinationRule', 'valid'],
      [`${DATA}/bookinfo.yaml`, 3, 54, 'Deployment', 'not-checked'],
      [`${DATA}/broken/route-and-redirect.yaml`, 0, 3, 'VirtualService', 'invalid'],
      [`${DATA}/broken/syntax.yaml`, 0, 1, 'ServiceEntry', 'valid'],
      [`${DATA}/broken/syntax.yaml`, 1, 10, 'Sidecar', 'unreadable'],
      [`${DATA}/list.json`, 0, 5, 'WorkloadEntry', 'valid'],
      [`${DATA}/list.json`, 1, 6, 'Sidecar', 'invalid'],
    ]);
  });

  it('describes an entry fully', async () => {
    const { entries } = await json(['-f', `${DATA}/list.json`]);
    expect(entries[1]).toEqual({
      file: `${DATA}/list.json`,
      index: 1,
      line: 6,
      apiVersion: 'networking.istio.io/v1alpha3',
      kind: 'Sidecar',
      namespace: 'vms',
      name: 'default',
      status: 'invalid',
      checked: true,
      valid: false,
      errors: [{ path: 'spec.egress[0].hosts[0]', message: '"*" must have the form namespace/host, such as "./*", "istio-system/*" or "*/foo.example.com"', line: 6, column: 155 }],
      warnings: [],
    });
  });

  it('reads standard input and reports documents that are not objects', async () => {
    const { code, entries } = await json(['-f', '-'], '--- just a string\n---\n- a\n- list\n');
    expect(code).toBe(1);
    expect(entries.map((e) => [e.file, e.index, e.errors])).toEqual([
      ['<stdin>', 0, [{ path: '', message: 'not a Kubernetes object: expected a mapping with apiVersion, kind and metadata', line: 1, column: 5 }]],
      ['<stdin>', 1, [{ path: '', message: 'not a Kubernetes object: expected a mapping with apiVersion, kind and metadata', line: 3, column: 1 }]],
    ]);
  });

  it('reads YAML the way kubectl does: "." stays a string, yes is a boolean', async () => {
    const yaml =
      'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: se, namespace: ns}\n' +
      'spec: {hosts: [a.example.com], exportTo: [., ns2], ports: [{number: 80, name: http, protocol: HTTP}], resolution: DNS}\n' +
      '---\napiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata: {name: sc}\nspec: {egress: [{hosts: [yes]}]}\n';
    const { entries } = await json(['-f', '-'], yaml);
    expect(entries[0]?.errors).toEqual([]);
    expect(entries[1]?.errors?.[0]).toEqual({ path: 'spec.egress[0].hosts[0]', message: 'must be a string, not true', line: 9, column: 26 });
  });

  it('-o name lists the invalid objects as kubectl names them; -o yaml is the JSON report as YAML', async () => {
    const yaml = `${VS('networking.istio.io/v2')}---\n${VS('networking.istio.io/v1')}`;
    expect((await run(['-f', '-', '-o', 'name'], yaml)).stdout).toBe('virtualservice.networking.istio.io/reviews\n');
    expect((await run(['-f', '-', '-o', 'yaml'], yaml)).stdout).toMatch(/^- file: <stdin>\n {2}index: 0\n {2}line: 1\n/);
  });
});

describe('meshgate validate: usage', () => {
  it.each<[string[], string]>([
    [[], 'meshgate validate: no input: give files or directories with -f (or -f - for standard input)\nRun `meshgate validate --help` for usage.\n'],
    [['-f', 'does-not-exist.yaml'], 'meshgate validate: does-not-exist.yaml: no such file or directory\n'],
    [['-f', DATA, '-o', 'table'], 'meshgate validate: -o/--output is the output format: text, json, yaml, name; got "table"\nRun `meshgate validate --help` for usage.\n'],
    [
      ['-f', DATA, '-o', 'report.json'],
      'meshgate validate: -o/--output is the output format: text, json, yaml, name; got "report.json"; to write the output to a file, use --output-file report.json\nRun `meshgate validate --help` for usage.\n',
    ],
    [['-f', DATA, '--output-file', '/nonexistent-dir/out.txt'], 'meshgate validate: --output-file /nonexistent-dir/out.txt: no such file or directory\n'],
  ])('%j exits 2 with one clear line', async (argv, message) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(message);
  });

  it('explains itself with --help', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: meshgate validate -f PATH\.\.\. \[--exclude GLOB\]\.\.\. \[-o text\|json\|yaml\|name\] \[--quiet\]/);
    expect(r.stdout).toMatch(/Exit codes: 0 all objects are valid \(or not checked\), 1 at least one is invalid, 2 usage\nerror or unreadable input/);
    expect(r.stdout).toMatch(/Example:\n {2}meshgate validate -f manifests\//);
  });
});

describe('meshgate validate --crds', () => {
  const widget = (spec: string): string => `apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: ns}\nspec: ${spec}\n`;

  it('validates against the named CRDs instead of the bundled ones', async () => {
    const { code, entries } = await json(['-f', '-', '--crds', 'test/data/validate/crds/widget.yaml'], `${widget('{size: 20, colour: blue}')}---\n${widget('{size: 3}')}`);
    expect(code).toBe(1);
    expect(entries.map((e) => e.errors)).toEqual([[{ path: 'spec', message: 'blue widgets come in sizes up to 10', line: 4, column: 1 }], []]);
  });

  it('reports a kind the named CRDs do not define as not checked', async () => {
    const vs = 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: v}\nspec: {hosts: [a]}\n';
    const { code, entries } = await json(['-f', '-', '--crds', 'test/data/validate/crds'], vs);
    expect(code).toBe(0);
    expect(entries[0]?.checked).toBe(false);
  });

  it('takes the kinds and versions that exist from the named CRDs: a typo in their group, a version they do not serve', async () => {
    const yaml = `${widget('{size: 1}').replace('kind: Widget', 'kind: Widgit')}---\n${widget('{size: 1}').replace('example.com/v1', 'example.com/v2')}`;
    const r = await run(['-f', '-', '--crds', 'test/data/validate/crds'], yaml);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')).toEqual([
      '<stdin>:1 Widgit.example.com ns/w: invalid',
      '    line 2: kind: example.com has no kind "Widgit"; did you mean Widget?',
      '<stdin>:6 Widget.example.com ns/w: invalid',
      '    line 6: apiVersion: Widget does not exist in version example.com/v2; use example.com/v1',
      '2 objects: 0 valid, 2 invalid, 0 not checked',
      '',
    ]);
  });

  it.each<[string[], string]>([
    [['--crds', 'nope.yaml'], 'meshgate validate: --crds: nope.yaml: no such file or directory\n'],
    [['--field-validation', 'bogus'], 'meshgate validate: --field-validation must be Strict, Warn or Ignore, got "bogus"\nRun `meshgate validate --help` for usage.\n'],
    [['--regex-check', 'allow'], 'meshgate validate: --regex-check must be deny or warn, got "allow"\nRun `meshgate validate --help` for usage.\n'],
  ])('%j exits 2 with one clear line', async (flags, message) => {
    const r = await run(['-f', '-', ...flags], widget('{size: 1}'));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(message);
  });

  it('is a usage error when the path holds no CRD', async () => {
    const r = await run(['-f', '-', '--crds', 'test/data/validate/gatewayapi'], widget('{size: 1}'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^meshgate validate: --crds: no CustomResourceDefinition found in /);
  });
});
