// `meshgate explain` and namespaces: labels from a Namespace in the input (kustomize output
// carries one), from --namespace-file, or from --namespace-labels (which wins), said in the
// output together with the revision and the webhook entry that would call the injector.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { explain } from '../../src/cli/explain.js';
import { capture } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'meshgate-explain-'));
const write = (name: string, text: string): string => {
  writeFileSync(join(tmp, name), text);
  return join(tmp, name);
};

const NAMESPACE = (labels: string): string => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels: {${labels}}\n`;
const DEPLOYMENT =
  'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: nginx}]}\n';

async function run(argv: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  const io = capture({ stdin, cwd: tmp });
  const code = await explain(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe('meshgate explain: namespaces', () => {
  it('uses the Namespace in the same input (kustomize output), and says so', async () => {
    const r = await run(['-f', '-'], `${NAMESPACE('istio-injection: enabled')}---\n${DEPLOYMENT}`);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toBe('Deployment "shop/web": INJECT');
    expect(lines.slice(2, 5)).toEqual([
      '  revision: default',
      '  namespace labels: istio-injection=enabled — from Namespace shop (<stdin>:1)',
      '  webhook: namespace.sidecar-injector.meshgate.io',
    ]);
  });

  it('without any namespace labels, says the namespace is taken as unlabelled and no entry selects the Pod', async () => {
    const r = await run(['-f', '-'], DEPLOYMENT);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Deployment "shop/web": SKIP (namespace_not_enabled)');
    expect(r.out).toContain('  namespace labels: (none) — from none given: namespace shop is taken as unlabelled (give --namespace-labels or --namespace-file)');
    expect(r.out).toContain('  webhook: none of the entries selects this Pod');
  });

  it('--namespace-file supplies the labels and, for objects without a namespace, the namespace', async () => {
    const ns = write('ns.yaml', NAMESPACE('istio.io/rev: canary'));
    const noNamespace = DEPLOYMENT.replace(', namespace: shop', '');
    const r = await run(['-f', '-', '--namespace-file', ns, '--revision', 'canary', '-o', 'json'], noNamespace);
    expect(r.code).toBe(0);
    const [e] = JSON.parse(r.out) as Record<string, unknown>[];
    expect(e).toMatchObject({
      namespace: 'shop',
      verdict: 'inject',
      revision: 'canary',
      webhook: 'rev.namespace.sidecar-injector.meshgate.io',
      namespaceLabels: { 'istio.io/rev': 'canary' },
      namespaceLabelsFrom: `Namespace shop (${ns}:1)`,
    });
  });

  it('--namespace-labels overrides a Namespace in the input', async () => {
    const r = await run(['-f', '-', '--namespace-labels', 'istio-injection=disabled', '-o', 'yaml'], `${NAMESPACE('istio-injection: enabled')}---\n${DEPLOYMENT}`);
    expect(r.code).toBe(0);
    expect(r.out).toContain('verdict: skip');
    expect(r.out).toContain('namespaceLabelsFrom: --namespace-labels');
    expect(r.out).toContain('webhook: null');
  });

  it('a --namespace-file without a Namespace is one clear line (exit 2)', async () => {
    const file = write('not-ns.yaml', DEPLOYMENT);
    const r = await run(['-f', '-', '--namespace-file', file], DEPLOYMENT);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      `meshgate explain: --namespace-file ${file} holds no Namespace object (apiVersion: v1, kind: Namespace); save one with kubectl get namespace NAME -o yaml\n`,
    );
  });
});
