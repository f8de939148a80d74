// What an operator sees in cluster mode (issue 15), on the real API server with the install's own
// RBAC: Events on the Deployment a person applied when its Pods are not injected or are denied,
// and on an Istio object whose update is denied (`kubectl get events`, `kubectl describe`);
// native sidecars decided from the kubelet versions of the Node objects; and the plaintext
// metrics listener with build information and certificate expiry.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricValue } from './cluster/meshgate.js';
import { freePort, waitFor } from './cluster/net.js';
import {
  applyWebhooks,
  injectedNamespace,
  installRbac,
  keepLogs,
  resetClusterState,
  restoreSharedWebhooks,
  serviceAccountKubeconfig,
  startClusterMeshgate,
  waitReady,
  type ClusterMeshgate,
} from './cluster-mode.js';
import { PROBE_NAMESPACE } from './context.js';
import { apply, kubectl, uniqueName, type Pod } from './support.js';

const NODES = ['e2e-node-new-a', 'e2e-node-new-b', 'e2e-node-old'];

interface EventJson {
  reason: string;
  type: string;
  message: string;
  count?: number;
  involvedObject: { kind: string; name: string; uid?: string };
  source?: { component?: string };
}

let dir = '';
let replica: ClusterMeshgate | undefined;
let metricsPort = 0;

function deployment(name: string, ns: string, opts: { hostNetwork?: boolean; annotations?: Record<string, string>; replicas?: number } = {}): object {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      replicas: opts.replicas ?? 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name }, annotations: opts.annotations ?? {} },
        spec: { ...(opts.hostNetwork ? { hostNetwork: true } : {}), containers: [{ name: name, image: 'registry.e2e.meshgate.test/app:1' }] },
      },
    },
  };
}

async function eventsFor(ns: string, reason: string): Promise<EventJson[]> {
  return (await kubectl().json<{ items: EventJson[] }>(['get', 'events', '-n', ns, '--field-selector', `reason=${reason}`])).items;
}

async function waitForEvent(ns: string, reason: string, kind: string, name: string, minCount = 1): Promise<EventJson> {
  let found: EventJson | undefined;
  await waitFor(
    async () => {
      found = (await eventsFor(ns, reason)).find((e) => e.involvedObject.kind === kind && e.involvedObject.name === name && (e.count ?? 1) >= minCount);
      return found !== undefined;
    },
    { what: `${reason} Event on ${kind} ${ns}/${name} (count ≥ ${minCount})`, timeoutMs: 60_000, intervalMs: 1000 },
  );
  return found as EventJson;
}

/** A Pod created with --dry-run=server, as the webhook returned it. */
async function dryRunPod(ns: string, spec: Record<string, unknown> = {}): Promise<Pod> {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: uniqueName('native'), namespace: ns },
    spec: { containers: [{ name: 'app', image: 'registry.e2e.meshgate.test/app:1' }], ...spec },
  };
  return JSON.parse(await kubectl().ok(['create', '--dry-run=server', '-o', 'json', '-f', '-'], { input: JSON.stringify(pod) })) as Pod;
}

const proxyIsNative = (p: Pod): boolean | undefined =>
  (p.spec.initContainers ?? []).some((c) => c.name === 'istio-proxy') ? true : p.spec.containers.some((c) => c.name === 'istio-proxy') ? false : undefined;

async function addNode(name: string, kubeletVersion: string): Promise<void> {
  const k = kubectl();
  await k.ok(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'e2e.meshgate.test/node': 'true' } } }) });
  const status = {
    status: {
      nodeInfo: {
        kubeletVersion,
        machineID: '',
        systemUUID: '',
        bootID: '',
        kernelVersion: '',
        osImage: '',
        containerRuntimeVersion: '',
        kubeProxyVersion: '',
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    },
  };
  await k.ok(['patch', 'node', name, '--subresource=status', '--type', 'merge', '-p', JSON.stringify(status)]);
}

describe('cluster mode: Events, native sidecars from Nodes, plaintext metrics (issue 15)', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meshgate-e2e-observe-'));
    const k = kubectl();
    await resetClusterState(k);
    await installRbac(k);
    const kubeconfig = await serviceAccountKubeconfig(k, dir);
    metricsPort = await freePort();
    replica = await startClusterMeshgate({ dir, name: 'observer', kubeconfig, extraArgs: ['--native-sidecars=auto', '--metrics-listen', `127.0.0.1:${metricsPort}`] });
    await applyWebhooks(k, replica.url);
    await waitReady(replica);
    // The API server calls meshgate once the leader has put the CA bundle in place.
    await waitFor(async () => proxyIsNative(await dryRunPod(PROBE_NAMESPACE).catch(() => ({ spec: { containers: [] } }) as unknown as Pod)) !== undefined, {
      what: 'injection through the cluster-mode replica',
      timeoutMs: 60_000,
      intervalMs: 1000,
    });
  }, 180_000);

  afterAll(async () => {
    await replica?.stop();
    const k = kubectl();
    await k.run(['delete', 'node', ...NODES, '--ignore-not-found']);
    await resetClusterState(k);
    await restoreSharedWebhooks();
    if (dir && !keepLogs()) rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('a Deployment whose Pods are skipped though the namespace asks: one aggregated Warning Event, in kubectl get events and kubectl describe', async () => {
    const k = kubectl();
    const ns = await injectedNamespace(k, 'e2e-events');
    const res = await apply(deployment('node-agent', ns, { hostNetwork: true, replicas: 3 }));
    expect(res.code, res.stderr).toBe(0);
    const event = await waitForEvent(ns, 'SidecarInjectionSkipped', 'Deployment', 'node-agent', 3);
    expect(event).toMatchObject({ type: 'Warning', source: { component: 'meshgate' }, message: expect.stringContaining('(host_network): the Pod uses the host network') });
    expect(event.count).toBe(3);
    expect(event.involvedObject.uid).toBe((await k.json<{ metadata: { uid: string } }>(['get', 'deployment', 'node-agent', '-n', ns])).metadata.uid);
    const listed = await k.ok(['get', 'events', '-n', ns]);
    expect(listed).toMatch(/Warning\s+SidecarInjectionSkipped\s+deployment\/node-agent/);
    const described = await k.ok(['describe', 'deployment', 'node-agent', '-n', ns]);
    expect(described).toMatch(/Warning\s+SidecarInjectionSkipped\s+.*meshgate\s+The Istio sidecar was not injected \(host_network\)/);
  });

  it('a Deployment whose Pods are denied: the reason is on the Deployment, not only on its ReplicaSet', async () => {
    const k = kubectl();
    const ns = await injectedNamespace(k, 'e2e-denied');
    const res = await apply(deployment('mailer', ns, { annotations: { 'traffic.sidecar.istio.io/excludeOutboundPorts': 'smtp' } }));
    expect(res.code, res.stderr).toBe(0);
    const event = await waitForEvent(ns, 'SidecarInjectionDenied', 'Deployment', 'mailer');
    expect(event.message).toContain('traffic.sidecar.istio.io/excludeOutboundPorts');
    expect(await k.ok(['describe', 'deployment', 'mailer', '-n', ns])).toContain('SidecarInjectionDenied');
  });

  it('a denied update of a VirtualService: kubectl describe virtualservice shows why', async () => {
    const k = kubectl();
    const ns = await injectedNamespace(k, 'e2e-vs');
    const vs = (weight: number): object => ({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'cart', namespace: ns },
      spec: { hosts: ['cart'], http: [{ route: [{ destination: { host: 'cart' }, weight }] }] },
    });
    expect((await apply(vs(100))).code).toBe(0);
    const denied = await apply(vs(-5));
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain('denied the request');
    const event = await waitForEvent(ns, 'ValidationDenied', 'VirtualService', 'cart');
    expect(event.message).toContain('spec.http[0].route[0].weight');
    expect(await k.ok(['describe', 'virtualservice', 'cart', '-n', ns])).toMatch(/Warning\s+ValidationDenied/);
  });

  it('native sidecars in auto mode follow the kubelet versions of the Node objects', async () => {
    await addNode(NODES[0] as string, 'v1.34.1');
    await addNode(NODES[1] as string, 'v1.33.0');
    await waitFor(async () => proxyIsNative(await dryRunPod(PROBE_NAMESPACE)) === true, { what: 'native sidecars with every Node at 1.33+', timeoutMs: 30_000, intervalMs: 500 });
    await addNode(NODES[2] as string, 'v1.31.5');
    await waitFor(async () => proxyIsNative(await dryRunPod(PROBE_NAMESPACE)) === false, { what: 'classic sidecars once a 1.31 Node joins', timeoutMs: 30_000, intervalMs: 500 });
    expect(proxyIsNative(await dryRunPod(PROBE_NAMESPACE, { nodeName: NODES[0] }))).toBe(true);
    expect(proxyIsNative(await dryRunPod(PROBE_NAMESPACE, { nodeName: NODES[2] }))).toBe(false);
    await kubectl().ok(['delete', 'node', NODES[2] as string]);
    await waitFor(async () => proxyIsNative(await dryRunPod(PROBE_NAMESPACE)) === true, {
      what: 'native sidecars again once the old Node leaves',
      timeoutMs: 30_000,
      intervalMs: 500,
    });
  });

  it('serves /metrics in plain HTTP with build information, certificate expiry and the Events recorded', async () => {
    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/meshgate_build_info\{version="[^"]+",node="v\d+/);
    expect(metricValue(text, 'meshgate_cert_not_after_timestamp_seconds')).toBeGreaterThan(Date.now() / 1000);
    expect(metricValue(text, 'sidecar_injection_skip_total', { reason: 'host_network' })).toBeGreaterThanOrEqual(3);
    expect(metricValue(text, 'meshgate_events_total', { reason: 'SidecarInjectionSkipped', result: 'created' })).toBeGreaterThanOrEqual(1);
    expect(metricValue(text, 'meshgate_events_total', { reason: 'SidecarInjectionSkipped', result: 'aggregated' })).toBeGreaterThanOrEqual(2);
  });
});
