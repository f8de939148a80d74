// Scenario 10: meshgate is down. The API server then follows each webhook's failurePolicy as
// `meshgate manifests` rendered it, and kube-system and meshgate's own namespace stay usable.
// This file points the webhook configurations at a meshgate of its own, stops it, and puts the
// shared configuration back afterwards.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyWebhooks, renderWebhooks, startMeshgate, waitForInjectorCalls, type Meshgate, type WebhookEntry } from './cluster/meshgate.js';
import { E2E_NAMESPACE_MESHGATE, PROBE_NAMESPACE } from './context.js';
import { apply, createNamespace, e2e, expectNotInjected, getPod, kubectl, podManifest, uniqueName } from './support.js';

const VALID_VS = (name: string): object => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name },
  spec: { hosts: ['orders'], http: [{ route: [{ destination: { host: 'orders' } }] }] },
});

// Route and redirect together: denied by a running meshgate (see data/invalid).
const INVALID_VS = (name: string): object => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name },
  spec: { hosts: ['orders'], http: [{ redirect: { uri: '/v2' }, route: [{ destination: { host: 'orders' } }] }] },
});

/** The single failurePolicy of one kind of webhook configuration. */
function policyOf(entries: readonly WebhookEntry[], kind: WebhookEntry['kind']): string {
  const policies = [...new Set(entries.filter((e) => e.kind === kind).map((e) => e.failurePolicy))];
  expect(policies, `${kind} entries should share one failurePolicy`).toHaveLength(1);
  return policies[0] ?? '';
}

describe('meshgate stopped (scenario 10)', () => {
  let dir = '';
  let mg: Meshgate | undefined;
  let entries: WebhookEntry[] = [];
  let injectedNs = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meshgate-e2e-down-'));
    const { valuesFile, meshgate } = e2e();
    mg = await startMeshgate({ dir, name: 'meshgate-down', valuesFile, nativeSidecars: meshgate.nativeSidecars });
    const yaml = await renderWebhooks(mg);
    entries = await applyWebhooks(kubectl(), mg, yaml);
    await waitForInjectorCalls(kubectl(), mg, PROBE_NAMESPACE);
    injectedNs = await createNamespace('e2e-down', { 'istio-injection': 'enabled' });
    await mg.stop();
  });

  afterAll(async () => {
    await mg?.stop();
    const shared = e2e().manifests.default;
    await kubectl().ok(['apply', '-f', '-'], { input: readFileSync(shared, 'utf8') });
    await waitForInjectorCalls(kubectl(), e2e().meshgate, PROBE_NAMESPACE);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("Pod creation in an injected namespace follows the mutating webhook's failurePolicy", async () => {
    const policy = policyOf(entries, 'MutatingWebhookConfiguration');
    const res = await apply(podManifest('while-down', injectedNs));
    if (policy === 'Fail') {
      expect(res.code, `failurePolicy Fail: the Pod should be refused:\n${res.stdout}`).not.toBe(0);
      expect(res.stderr).toMatch(/failed calling webhook/);
    } else {
      expect(res.code, `failurePolicy ${policy}: the Pod should be admitted:\n${res.stderr}`).toBe(0);
      expectNotInjected(await getPod(injectedNs, 'while-down'));
    }
  });

  it("an invalid routing resource follows the validating webhook's failurePolicy", async () => {
    const policy = policyOf(entries, 'ValidatingWebhookConfiguration');
    const ns = await createNamespace('e2e-down-validate');
    const res = await apply(INVALID_VS('route-and-redirect'), ['-n', ns]);
    if (policy === 'Fail') {
      expect(res.code, `failurePolicy Fail: should be refused:\n${res.stdout}`).not.toBe(0);
      expect(res.stderr).toMatch(/failed calling webhook/);
    } else {
      expect(res.code, `failurePolicy ${policy}: should be admitted while meshgate is down:\n${res.stderr}`).toBe(0);
    }
  });

  it.each(['kube-system', E2E_NAMESPACE_MESHGATE])('nothing in %s is blocked', async (ns) => {
    const labels = { 'sidecar.istio.io/inject': 'true' };
    const name = uniqueName('while-down');
    const pod = await apply(podManifest(name, ns, { labels }));
    expect(pod.code, `Pod in ${ns} refused while meshgate is down:\n${pod.stderr}`).toBe(0);
    expectNotInjected(await getPod(ns, name));
    const vs = await apply(VALID_VS(name), ['-n', ns]);
    expect(vs.code, `VirtualService in ${ns} refused while meshgate is down:\n${vs.stderr}`).toBe(0);
  });
});
