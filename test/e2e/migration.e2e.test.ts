// Taking over from istiod, as docs/migrating-from-istiod.md says, on the real API server with
// Istio's own injector (the differential harness's `serve`) behind istiod's webhook
// configuration: `meshgate check` reports the overlap of a plain install before the switch,
// meshgate injects behind the tag `meshgate` beside istiod, namespaces move one by one, istiod's
// webhooks retire, and a namespace rolls back. Every Pod is injected by exactly one of the two.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logRecords, meshgateCli, waitForInjectorCalls } from './cluster/meshgate.js';
import { waitFor } from './cluster/net.js';
import { keepLogs, restoreSharedWebhooks } from './cluster-mode.js';
import { PROBE_NAMESPACE } from './context.js';
import { findingLines, istiodWebhooks, meshgateCheck, startIstiod, type Istiod } from './istiod.js';
import { createNamespace, createPod, e2e, expectInjected, kubectl, sidecarStatus, uniqueName } from './support.js';

const ISTIOD_MWC = 'istio-sidecar-injector';
const TAG_MWC = 'meshgate-revision-tag-meshgate';

let dir = '';
let istiod: Istiod;

/** Which of the two injectors were called for the Pod ns/name: ['meshgate'], ['istiod'], or both. */
function injectedBy(ns: string, name: string): string[] {
  const byMeshgate = logRecords(e2e().meshgate).some((l) => l['msg'] === 'inject' && l['namespace'] === ns && l['name'] === name && l['decision'] === 'inject');
  const byIstiod = istiod.calls().includes(`${ns}/${name}`);
  return [...(byMeshgate ? ['meshgate'] : []), ...(byIstiod ? ['istiod'] : [])];
}

async function podIn(ns: string): Promise<{ name: string; by: string[] }> {
  const name = uniqueName('app');
  const pod = await createPod(name, ns);
  expectInjected(pod, true);
  expect(sidecarStatus(pod)?.revision ?? 'default').toBe('default');
  // istiod's log line may land a moment after the answer.
  await new Promise((r) => setTimeout(r, 300));
  return { name, by: injectedBy(ns, name) };
}

async function waitForIstiodCalls(ns: string): Promise<void> {
  await waitFor(
    async () => {
      const before = istiod.calls().length;
      await kubectl().run(['create', '--dry-run=server', '-o', 'name', '-f', '-'], {
        input: JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'istiod-probe', namespace: ns }, spec: { containers: [{ name: 'a', image: 'a' }] } }),
      });
      return istiod.calls().length > before;
    },
    { what: "the API server calling Istio's injector", timeoutMs: 30_000, intervalMs: 500 },
  );
}

describe('migrating from istiod (docs/migrating-from-istiod.md)', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meshgate-e2e-migration-'));
    istiod = await startIstiod(dir);
  }, 120_000);

  afterAll(async () => {
    const k = kubectl();
    await k.run(['delete', 'mutatingwebhookconfiguration', ISTIOD_MWC, TAG_MWC, '--ignore-not-found']);
    await restoreSharedWebhooks();
    await istiod?.stop();
    if (dir && !keepLogs()) rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('before the switch, meshgate check reports that a plain install and istiod select the same Pods', async () => {
    await kubectl().ok(['apply', '-f', '-'], { input: istiodWebhooks(istiod) });
    const ns = await createNamespace('e2e-overlap', { 'istio-injection': 'enabled' });
    const r = await meshgateCheck(['--namespace', ns, '--namespace', PROBE_NAMESPACE]);
    expect(r.code, findingLines(r).join('\n')).toBe(1);
    const overlap = r.report.findings.find(
      (f) =>
        f.check === 'overlap' &&
        f.subject === 'meshgate-sidecar-injector/namespace.sidecar-injector.meshgate.io' &&
        f.message.includes('istio-sidecar-injector/namespace.sidecar-injector.istio.io'),
    );
    expect(overlap?.status).toBe('error');
    expect(overlap?.message).toContain('injected twice');
    for (const n of r.report.namespaces) {
      // In the order the API server calls them (configurations by name).
      expect(n.message).toBe(
        'a Pod without injection labels is injected twice, by istio-sidecar-injector/namespace.sidecar-injector.istio.io (istiod, revision default) and meshgate-sidecar-injector/namespace.sidecar-injector.meshgate.io (meshgate, revision default)',
      );
    }
  });

  it('step 1: meshgate behind the tag beside istiod — no overlap; istiod keeps its namespaces', async () => {
    const k = kubectl();
    const { meshgate } = e2e();
    await k.ok(['delete', 'mutatingwebhookconfiguration', 'meshgate-sidecar-injector']);
    const tag = await meshgateCli(['manifests', '--url', meshgate.url, '--ca-bundle', meshgate.caFile, '--tag', 'meshgate', '--revision', 'default']);
    await k.ok(['apply', '-f', '-'], { input: tag });
    const ns = await createNamespace('e2e-istiod', { 'istio-injection': 'enabled' });
    await waitForIstiodCalls(ns);
    const r = await meshgateCheck(['--namespace', ns]);
    expect(r.code, findingLines(r).join('\n')).toBe(0);
    expect(r.report.findings.find((f) => f.check === 'overlap')?.status).toBe('ok');
    expect(r.report.namespaces).toEqual([
      {
        name: ns,
        labels: { 'istio-injection': 'enabled', 'kubernetes.io/metadata.name': ns },
        selectedBy: [expect.objectContaining({ injector: 'istiod', entry: 'istio-sidecar-injector/namespace.sidecar-injector.istio.io' })],
        message: expect.stringContaining('injected by istio-sidecar-injector/namespace.sidecar-injector.istio.io (istiod, revision default)'),
      },
    ]);
    expect((await podIn(ns)).by).toEqual(['istiod']);
  });

  it('step 2: switched namespaces are injected by meshgate alone, for the same revision', async () => {
    const k = kubectl();
    const fresh = await createNamespace('e2e-switched', { 'istio.io/rev': 'meshgate' });
    await waitForInjectorCalls(k, e2e().meshgate, fresh);
    expect((await podIn(fresh)).by).toEqual(['meshgate']);
    // An istiod namespace moved over with a label change.
    const moved = await createNamespace('e2e-moved', { 'istio-injection': 'enabled' });
    await waitForIstiodCalls(moved);
    expect((await podIn(moved)).by).toEqual(['istiod']);
    await k.ok(['label', 'namespace', moved, 'istio-injection-', 'istio.io/rev=meshgate']);
    expect((await podIn(moved)).by).toEqual(['meshgate']);
    const r = await meshgateCheck(['--namespace', fresh, '--namespace', moved]);
    expect(r.code, findingLines(r).join('\n')).toBe(0);
    for (const n of r.report.namespaces)
      expect(n.message).toBe(
        'a Pod without injection labels is injected by meshgate-revision-tag-meshgate/rev.namespace.sidecar-injector.meshgate.io (meshgate, revision default through tag meshgate)',
      );
    // The Pod istiod injected before the move keeps its sidecar; nothing lacks one.
    expect(r.report.pods.filter((p) => p.status === 'missing')).toEqual([]);
  });

  it("step 3: istiod's webhooks retire and meshgate takes the default entries; check passes", async () => {
    const k = kubectl();
    await k.ok(['delete', 'mutatingwebhookconfiguration', ISTIOD_MWC]);
    await restoreSharedWebhooks();
    const ns = await createNamespace('e2e-retired', { 'istio-injection': 'enabled' });
    await waitForInjectorCalls(k, e2e().meshgate, ns);
    expect((await podIn(ns)).by).toEqual(['meshgate']);
    const r = await meshgateCheck();
    expect(r.code, findingLines(r).join('\n')).toBe(0);
    expect(r.report.findings.filter((f) => f.check === 'overlap' && f.status === 'error')).toEqual([]);
  });

  it('rolling back a namespace: istiod injects it again', async () => {
    const k = kubectl();
    await k.ok(['delete', 'mutatingwebhookconfiguration', 'meshgate-sidecar-injector', TAG_MWC]);
    await k.ok(['apply', '-f', '-'], { input: istiodWebhooks(istiod) });
    const ns = await createNamespace('e2e-rollback', { 'istio.io/rev': 'meshgate' });
    await k.ok(['label', 'namespace', ns, 'istio.io/rev-', 'istio-injection=enabled']);
    await waitForIstiodCalls(ns);
    expect((await podIn(ns)).by).toEqual(['istiod']);
  });
});
