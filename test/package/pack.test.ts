// The npm package as users get it: `npm pack` holds what `npx meshgate` needs and nothing else,
// and the packed tarball installed into an empty directory runs `meshgate --help` and
// `meshgate validate` there, on the Node.js this suite runs on (CI runs it on every supported
// version: .ci/run). The Dockerfile installs the same tarball.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../e2e/cluster/versions.js';

const run = promisify(execFile);
/** PATH with the running Node.js first, so npm (a `#!/usr/bin/env node` script) runs on the version under test. */
const PATH = [dirname(process.execPath), process.env['PATH'] ?? ''].join(':');
const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { name: string; version: string; engines: { node: string } };

async function npm(args: readonly string[], cwd: string): Promise<string> {
  const env = { ...process.env, PATH, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
  const { stdout } = await run('npm', args, { cwd, env, maxBuffer: 64 * 1024 * 1024, timeout: 300_000 });
  return stdout;
}

interface PackEntry {
  readonly filename: string;
  readonly files: readonly { readonly path: string }[];
}

describe('the npm package', () => {
  let dir = '';
  let files: string[] = [];
  let tarball = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meshgate-pack-'));
    // dist/ is built by `npm test`; --ignore-scripts skips prepack's clean rebuild, which would
    // pull dist/ from under test files running in parallel.
    const [entry] = JSON.parse(await npm(['pack', '--json', '--ignore-scripts', '--pack-destination', dir], REPO_ROOT)) as PackEntry[];
    if (!entry) throw new Error('npm pack printed no package');
    files = entry.files.map((f) => f.path).sort();
    tarball = join(dir, entry.filename);
  }, 120_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('contains the CLI, the compiled code, templates, manifests and the CRD bundle (with its sources and licences), and nothing else', () => {
    const allowed =
      /^(package\.json|README\.md|LICENSE|bin\/meshgate\.js|dist\/.+\.js|templates\/[^/]+\.yaml|manifests\/[^/]+\.yaml|crds\/(index|SOURCES)\.json|crds\/LICENSES\/[^/]+\.LICENSE)$/;
    expect(files.filter((f) => !allowed.test(f))).toEqual([]);
    for (const needed of [
      'bin/meshgate.js',
      'dist/main.js',
      'dist/cli/main.js',
      'templates/sidecar.yaml',
      'templates/gateway.yaml',
      'manifests/mutatingwebhook.yaml',
      'manifests/validatingwebhook.yaml',
      'manifests/kustomization.yaml',
      'crds/index.json',
      'crds/SOURCES.json',
      'crds/LICENSES/istio.LICENSE',
      'crds/LICENSES/gateway-api.LICENSE',
      'LICENSE',
    ]) {
      expect(files).toContain(needed);
    }
  });

  it('is publishable: not private, with engines that cover the Node.js running this test', () => {
    expect(Object.keys(pkg)).not.toContain('private');
    const major = Number(process.versions.node.split('.')[0]);
    const min = /^>=(\d+)\.(\d+)\.(\d+)$/.exec(pkg.engines.node);
    expect(min, `engines.node ${pkg.engines.node}`).not.toBeNull();
    expect(major).toBeGreaterThanOrEqual(Number(min?.[1]));
  });

  it('installed from the tarball into an empty directory, runs meshgate --help and meshgate validate', async () => {
    const project = join(dir, 'empty');
    mkdirSync(project);
    // --engine-strict: an engines range the running Node.js does not satisfy fails here.
    await npm(['install', '--engine-strict', '--no-package-lock', '--omit=dev', '--prefer-offline', tarball], project);
    const bin = join(project, 'node_modules', '.bin', 'meshgate');
    // The node_modules/.bin link is what `npx meshgate` runs.
    const help = await run(process.execPath, [bin, '--help'], { cwd: project });
    expect(help.stdout).toContain('Usage: meshgate <command>');
    expect(help.stdout).toMatch(/^ {2}validate /m);
    writeFileSync(
      join(project, 'vs.yaml'),
      [
        'apiVersion: networking.istio.io/v1',
        'kind: VirtualService',
        'metadata: { name: shop, namespace: default }',
        'spec:',
        '  hosts: [shop]',
        '  http:',
        '    - redirect: { uri: /v2 }',
        '      route:',
        '        - destination: { host: shop }',
        '',
      ].join('\n'),
    );
    const denied = await run(process.execPath, [bin, 'validate', '-f', 'vs.yaml', '-o', 'json'], { cwd: project }).then(
      () => undefined,
      (e: { code: number; stdout: string }) => e,
    );
    expect(denied?.code).toBe(1);
    const report = JSON.parse(denied?.stdout ?? '[]') as { valid: boolean; errors: { path: string }[] }[];
    expect(report[0]?.valid).toBe(false);
    expect(report[0]?.errors.map((e) => e.path)).toEqual(['spec.http[0].redirect']);
    // The package's own templates and manifests resolve from node_modules, not from the cwd.
    const manifests = await run(process.execPath, [bin, 'manifests', '--url', 'https://127.0.0.1:9443'], { cwd: project });
    expect(manifests.stdout).toContain('kind: MutatingWebhookConfiguration');
  }, 300_000);
});

describe('the Dockerfile', () => {
  const text = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
  const stages = text.split(/^FROM /m).slice(1);

  it('pins every base image by digest', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const s of stages) expect(s.split('\n')[0]).toMatch(/@sha256:[0-9a-f]{64}\b/);
  });

  it('installs the packed npm package, and its final stage has no shell or npm to run', () => {
    expect(text).toContain('npm pack');
    expect(text).toMatch(/tar -xzf \/tmp\/meshgate\.tgz/);
    const final = stages[stages.length - 1] ?? '';
    expect(final.split('\n')[0]).toMatch(/^gcr\.io\/distroless\/nodejs24-debian12:nonroot@/);
    expect(final).not.toMatch(/^RUN /m);
    expect(final).toMatch(/^USER 65532:65532$/m);
  });
});
