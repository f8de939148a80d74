// Injection through the real API server: the webhook configurations' selectors decide which
// Pods reach meshgate, and the stored Pods show what the patch did.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { logRecords } from './cluster/meshgate.js';
import {
  apply,
  container,
  counter,
  createNamespace,
  createPod,
  e2e,
  envValue,
  expectInjected,
  expectNotInjected,
  podManifest,
  sidecarStatus,
  uniqueName,
  waitForPods,
} from './support.js';

const REQUESTS = 'sidecar_injection_requests_total';

function expectedProxyImage(): string {
  const values = readFileSync(e2e().valuesFile, 'utf8');
  const hub = /^\s*hub:\s*(\S+)/m.exec(values)?.[1];
  const tag = /^\s*tag:\s*(\S+)/m.exec(values)?.[1];
  return `${hub}/proxyv2:${tag}`;
}

describe('namespace labelled istio-injection=enabled', () => {
  it('injects a Pod applied with kubectl (scenario 1)', async () => {
    const ns = await createNamespace('e2e-enabled', { 'istio-injection': 'enabled' });
    const pod = await createPod('web', ns);
    expectInjected(pod, e2e().meshgate.nativeSidecars);
    expect(sidecarStatus(pod)?.revision ?? 'default').toBe('default');
  });

  it("injects the Pod that a Deployment's ReplicaSet creates, with owner-derived labels and env (scenario 2)", async () => {
    const ns = await createNamespace('e2e-deploy', { 'istio-injection': 'enabled' });
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'orders', namespace: ns },
      spec: {
        replicas: 1,
        selector: { matchLabels: { 'e2e-workload': 'orders' } },
        // No app / app.kubernetes.io/name label: the canonical name must come from the owner.
        template: {
          metadata: { labels: { 'e2e-workload': 'orders' } },
          spec: { containers: [{ name: 'orders', image: 'registry.e2e.meshgate.test/orders:2' }] },
        },
      },
    };
    const res = await apply(deployment);
    expect(res.code, res.stderr).toBe(0);
    const [pod] = await waitForPods(ns, 'e2e-workload=orders');
    expect(pod, 'no Pod from the ReplicaSet').toBeDefined();
    if (!pod) return;
    expectInjected(pod, e2e().meshgate.nativeSidecars);
    expect(pod.metadata.labels?.['service.istio.io/canonical-name']).toBe('orders');
    const proxy = container(pod, 'istio-proxy');
    expect(envValue(proxy, 'ISTIO_META_WORKLOAD_NAME')).toBe('orders');
    expect(envValue(proxy, 'ISTIO_META_OWNER')).toBe(`kubernetes://apis/apps/v1/namespaces/${ns}/deployments/orders`);
  });
});

describe('unlabelled namespace', () => {
  it('injects a Pod labelled sidecar.istio.io/inject=true (scenario 3)', async () => {
    const ns = await createNamespace('e2e-plain');
    const pod = await createPod('opted-in', ns, { labels: { 'sidecar.istio.io/inject': 'true' } });
    expectInjected(pod, e2e().meshgate.nativeSidecars);
  });

  it('leaves a Pod without the label alone (scenario 3)', async () => {
    const ns = await createNamespace('e2e-plain');
    expectNotInjected(await createPod('not-opted-in', ns));
  });
});

describe('namespaces where injection never happens (scenario 4)', () => {
  it('does not inject in a namespace labelled istio-injection=disabled, even with the pod label', async () => {
    const ns = await createNamespace('e2e-disabled', { 'istio-injection': 'disabled' });
    expectNotInjected(await createPod('opted-in', ns, { labels: { 'sidecar.istio.io/inject': 'true' } }));
  });

  it('never calls the webhook for kube-system', async () => {
    const { meshgate, canary } = e2e();
    const enabled = await createNamespace('e2e-control', { 'istio-injection': 'enabled' });
    const before = await counter(meshgate, REQUESTS);
    await createPod(uniqueName('control'), enabled);
    const afterControl = await counter(meshgate, REQUESTS);
    expect(afterControl, `${REQUESTS} must count a request that reached meshgate`).toBeGreaterThan(before);

    // Each of these would match a webhook entry (object. / rev.object.) anywhere else.
    const probes: Record<string, string>[] = [{ 'sidecar.istio.io/inject': 'true' }, { 'istio.io/rev': 'canary' }];
    const names = probes.map(() => uniqueName('e2e-system-probe'));
    const canaryBefore = await counter(canary, REQUESTS);
    for (const [i, labels] of probes.entries()) expectNotInjected(await createPod(names[i] ?? '', 'kube-system', { labels }));
    expect(await counter(meshgate, REQUESTS), 'meshgate saw a kube-system request').toBe(afterControl);
    expect(await counter(canary, REQUESTS), 'canary meshgate saw a kube-system request').toBe(canaryBefore);
    const seen = [...logRecords(meshgate), ...logRecords(canary)].filter((r) => names.some((n) => JSON.stringify(r).includes(n)));
    expect(seen, 'meshgate logged the kube-system Pod').toEqual([]);
  });
});

describe('gateway template (scenario 5)', () => {
  it('resolves image: auto on a gateway Deployment to the proxy image', async () => {
    const ns = await createNamespace('e2e-gateway');
    const labels = { istio: 'ingressgateway', 'sidecar.istio.io/inject': 'true' };
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'ingress', namespace: ns },
      spec: {
        selector: { matchLabels: { istio: 'ingressgateway' } },
        template: {
          metadata: { labels, annotations: { 'inject.istio.io/templates': 'gateway' } },
          spec: { containers: [{ name: 'istio-proxy', image: 'auto' }] },
        },
      },
    };
    const res = await apply(deployment);
    expect(res.code, res.stderr).toBe(0);
    const [pod] = await waitForPods(ns, 'istio=ingressgateway');
    if (!pod) throw new Error('no gateway Pod');
    const proxy = pod.spec.containers.find((c) => c.name === 'istio-proxy');
    expect(proxy?.image).not.toBe('auto');
    expect(proxy?.image).toBe(expectedProxyImage());
    expect(pod.metadata.annotations?.['sidecar.istio.io/status']).toBeDefined();
  });
});

describe('revision canary (scenario 6)', () => {
  it('injects a Pod labelled istio.io/rev=canary in an unlabelled namespace through the canary entries', async () => {
    const { meshgate, canary } = e2e();
    const ns = await createNamespace('e2e-rev-pod');
    const [mainBefore, canaryBefore] = [await counter(meshgate, REQUESTS), await counter(canary, REQUESTS)];
    const pod = await createPod('canary-pod', ns, { labels: { 'istio.io/rev': 'canary' } });
    expectInjected(pod, canary.nativeSidecars);
    expect(sidecarStatus(pod)?.revision).toBe('canary');
    expect(await counter(canary, REQUESTS), 'the canary meshgate handled it').toBeGreaterThan(canaryBefore);
    expect(await counter(meshgate, REQUESTS), 'the default revision was not called').toBe(mainBefore);
  });

  it('injects every Pod of a namespace labelled istio.io/rev=canary', async () => {
    const ns = await createNamespace('e2e-rev-ns', { 'istio.io/rev': 'canary' });
    const pod = await createPod('in-canary-ns', ns);
    expectInjected(pod, e2e().canary.nativeSidecars);
    expect(sidecarStatus(pod)?.revision).toBe('canary');
  });
});

describe('bad traffic annotations (scenario 9)', () => {
  it.each(['abc', '*'])('denies a Pod with traffic.sidecar.istio.io/excludeInboundPorts=%j', async (value) => {
    const ns = await createNamespace('e2e-bad-annotation', { 'istio-injection': 'enabled' });
    const annotations = { 'traffic.sidecar.istio.io/excludeInboundPorts': value };
    const res = await apply(podManifest('bad-ports', ns, { annotations }));
    expect(res.code, `kubectl apply was expected to fail:\n${res.stdout}`).not.toBe(0);
    expect(res.stderr).toContain('denied the request');
    expect(res.stderr).toContain('traffic.sidecar.istio.io/excludeInboundPorts');
  });
});
