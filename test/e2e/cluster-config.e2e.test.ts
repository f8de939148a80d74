// Cluster mode (issue 6): injection configuration from the istio-sidecar-injector ConfigMap
// (Istio's layout, in istio-system), applied without a restart; a broken update keeps the last good
// configuration, is logged with its reason and shows in the metrics. And (issue 13) validation
// follows the CustomResourceDefinitions the cluster serves, with the install's RBAC.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './cluster/net.js';
import {
  ISTIO_NS,
  applyWebhooks,
  injectedNamespace,
  insecureGet,
  installRbac,
  keepLogs,
  logged,
  metric,
  resetClusterState,
  restoreSharedWebhooks,
  serviceAccountKubeconfig,
  startClusterMeshgate,
  waitReady,
  type ClusterMeshgate,
} from './cluster-mode.js';
import { kubectl } from './support.js';

const HUB = 'registry.e2e.meshgate.test/cluster';
const INJECTOR_CM = 'istio-sidecar-injector';

interface Container {
  name: string;
  image: string;
}

function configMap(values: string): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: INJECTOR_CM, namespace: ISTIO_NS }, data: { values } });
}

async function setValues(values: string): Promise<void> {
  await kubectl().ok(['apply', '-f', '-'], { input: configMap(values) });
}

/** The istio-proxy image a Pod created now (server-side dry run) would get. */
async function nextProxyImage(namespace: string): Promise<string | undefined> {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'probe', namespace }, spec: { containers: [{ name: 'app', image: 'registry.e2e.meshgate.test/app:1' }] } };
  const out = await kubectl().json<{ spec: { containers: Container[]; initContainers?: Container[] } }>(['create', '--dry-run=server', '-f', '-'], { input: JSON.stringify(pod) });
  return [...(out.spec.initContainers ?? []), ...out.spec.containers].find((c) => c.name === 'istio-proxy')?.image;
}

const reloads = (mg: ClusterMeshgate, result: string): Promise<number> => metric(mg, 'meshgate_config_reloads_total', { component: 'injector', result });

const XGROUP = 'gateway.networking.x-k8s.io';

/** A CRD the bundle does not have, in a group the validating webhook receives. */
const X_WIDGET_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `xwidgets.${XGROUP}` },
  spec: {
    group: XGROUP,
    scope: 'Namespaced',
    names: { kind: 'XWidget', plural: 'xwidgets', singular: 'xwidget', listKind: 'XWidgetList' },
    versions: [
      {
        name: 'v1alpha1',
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer', maximum: 10 } } } } } },
      },
    ],
  },
};

describe('cluster mode: injection configuration from ConfigMaps (issue 6)', () => {
  let dir = '';
  let mg: ClusterMeshgate | undefined;
  let ns = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meshgate-e2e-cluster-config-'));
    const k = kubectl();
    await resetClusterState(k);
    await installRbac(k);
    await setValues(`global:\n  hub: ${HUB}\n  tag: one\n`);
    const kubeconfig = await serviceAccountKubeconfig(k, dir);
    mg = await startClusterMeshgate({ dir, name: 'config', kubeconfig });
    await waitReady(mg);
    await applyWebhooks(k, mg.url);
    ns = await injectedNamespace(k, 'e2e-cluster-config');
    await waitFor(async () => (await nextProxyImage(ns)) !== undefined, { what: 'injection through the cluster-mode meshgate', timeoutMs: 30_000, intervalMs: 500 });
  }, 180_000);

  afterAll(async () => {
    await mg?.stop();
    await resetClusterState(kubectl());
    await restoreSharedWebhooks();
    if (dir && !keepLogs()) rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('injects with the values of the ConfigMap present at start', async () => {
    expect(await nextProxyImage(ns)).toBe(`${HUB}/proxyv2:one`);
  });

  it('a change to `values` changes the next injection, without a restart', async () => {
    const m = mg as ClusterMeshgate;
    await setValues(`global:\n  hub: ${HUB}\n  tag: two\n`);
    const changed = Date.now();
    await waitFor(async () => (await nextProxyImage(ns)) === `${HUB}/proxyv2:two`, { what: 'the new tag in injected Pods', timeoutMs: 15_000, intervalMs: 200 });
    console.log(`values change reached injection after ${Date.now() - changed} ms`);
    expect(await metric(m, 'meshgate_config_last_reload_success', { component: 'injector' })).toBe(1);
    expect(m.daemon.isRunning()).toBe(true);
  });

  it.each([
    ['not YAML', 'global: [unclosed\n', 'key "values": not valid YAML or JSON'],
    ['a bad setting', `global:\n  hub: ${HUB}\n  tag: three\n  proxy:\n    statusPort: lots\n`, 'values.global.proxy.statusPort'],
  ])('a broken update (%s) changes nothing, and is logged and counted', async (_, values, reason) => {
    const m = mg as ClusterMeshgate;
    const failuresBefore = await reloads(m, 'failure');
    await setValues(values);
    await waitFor(async () => (await reloads(m, 'failure')) > failuresBefore, { what: 'the rejected reload counted', timeoutMs: 15_000, intervalMs: 200 });
    expect(await metric(m, 'meshgate_config_last_reload_success', { component: 'injector' })).toBe(0);
    const rejected = logged(m, 'injection configuration rejected').at(-1);
    expect(String(rejected?.['reason'])).toContain(reason);
    expect(rejected?.['level']).toBe('error');
    // Nothing half-applied: the last good configuration (tag two) still injects.
    expect(await nextProxyImage(ns)).toBe(`${HUB}/proxyv2:two`);
    // And the replica stays ready: it still serves a good configuration.
    expect((await insecureGet(`${m.url}/readyz`)).status).toBe(200);
  });

  it("validates against the CRDs the cluster serves (listed with the install's RBAC) and follows a new one without a restart", async () => {
    const m = mg as ClusterMeshgate;
    await waitFor(async () => (await metric(m, 'meshgate_config_last_reload_success', { component: 'crds' })) === 1, {
      what: "the cluster's CRDs compiled",
      timeoutMs: 60_000,
      intervalMs: 500,
    });
    const k = kubectl();
    const applied = await metric(m, 'meshgate_config_reloads_total', { component: 'crds', result: 'success' });
    try {
      await k.ok(['apply', '-f', '-'], { input: JSON.stringify(X_WIDGET_CRD) });
      await k.ok(['wait', '--for=condition=Established', '--timeout=60s', `crd/xwidgets.${XGROUP}`], { timeoutMs: 90_000 });
      await waitFor(async () => (await metric(m, 'meshgate_config_reloads_total', { component: 'crds', result: 'success' })) > applied, {
        what: 'the new CRD applied',
        timeoutMs: 60_000,
        intervalMs: 500,
      });
      const widget = { apiVersion: `${XGROUP}/v1alpha1`, kind: 'XWidget', metadata: { name: 'w', namespace: ns }, spec: { size: 3 } };
      await k.ok(['create', '--dry-run=server', '-f', '-'], { input: JSON.stringify(widget) });
      // The bundle has no XWidget: only the cluster's CRD makes meshgate validate (and count) it.
      expect(await metric(m, 'galley_validation_passed', { group: XGROUP, resource: 'xwidgets' })).toBe(1);
      expect(logged(m, "validating against the cluster's CustomResourceDefinitions").length).toBeGreaterThanOrEqual(2);
    } finally {
      await k.ok(['delete', 'crd', `xwidgets.${XGROUP}`, '--ignore-not-found']);
    }
  });

  it('a good update after a broken one applies and clears the failure', async () => {
    const m = mg as ClusterMeshgate;
    await setValues(`global:\n  hub: ${HUB}\n  tag: three\n`);
    await waitFor(async () => (await nextProxyImage(ns)) === `${HUB}/proxyv2:three`, { what: 'the fixed configuration', timeoutMs: 15_000, intervalMs: 200 });
    expect(await metric(m, 'meshgate_config_last_reload_success', { component: 'injector' })).toBe(1);
  });
});
