// Injection behaviours, one aspect per test: native vs classic, traffic settings, images,
// overrides, probes, prometheus, owner metadata, status annotation, re-injection.
import { describe, expect, it } from 'vitest';
import type { InjectOutcome } from '../../src/inject/index.js';
import { canonicalQuantity } from '../../src/inject/settings/syntax.js';
import { injector, pod } from './helpers.js';

type Obj = Record<string, any>;

function injected(o: InjectOutcome): Obj {
  if (o.kind !== 'inject') throw new Error(`expected inject, got ${o.kind}: ${o.message}`);
  return o.pod;
}

const names = (list: Obj[] | undefined): string[] => (list ?? []).map((c) => c['name']);
const container = (p: Obj, name: string): Obj => [...(p['spec']['initContainers'] ?? []), ...p['spec']['containers']].find((c: Obj) => c['name'] === name);
const env = (c: Obj, name: string): string | undefined => c['env']?.find((e: Obj) => e['name'] === name)?.['value'];
const arg = (c: Obj, flag: string): string | undefined => c['args'][c['args'].indexOf(flag) + 1];

describe('native and classic sidecars', () => {
  it.each([
    [true, undefined, ['istio-init', 'istio-proxy'], ['web']],
    [false, undefined, ['istio-init'], ['web', 'istio-proxy']],
    [false, 'true', ['istio-init', 'istio-proxy'], ['web']],
    [true, 'false', ['istio-init'], ['web', 'istio-proxy']],
  ] as const)('native=%s, annotation %s', async (native, annotation, inits, containers) => {
    const p = injected((await injector({ nativeSidecars: native })).inject({ pod: pod(annotation ? { annotations: { 'sidecar.istio.io/nativeSidecar': annotation } } : {}) }));
    expect(names(p['spec']['initContainers'])).toEqual(inits);
    expect(names(p['spec']['containers'])).toEqual(containers);
    const proxy = container(p, 'istio-proxy');
    expect(proxy['restartPolicy']).toBe(inits.length === 2 ? 'Always' : undefined);
    expect(proxy['lifecycle']?.['preStop'] !== undefined).toBe(inits.length === 2);
  });

  it("native: mesh init containers first, then the user's", async () => {
    const p = injected((await injector()).inject({ pod: pod({ spec: { initContainers: [{ name: 'setup', image: 'x' }] } }) }));
    expect(names(p['spec']['initContainers'])).toEqual(['istio-init', 'istio-proxy', 'setup']);
  });

  it("classic: istio-init after the user's init containers", async () => {
    const p = injected((await injector({ nativeSidecars: false })).inject({ pod: pod({ spec: { initContainers: [{ name: 'setup', image: 'x' }] } }) }));
    expect(names(p['spec']['initContainers'])).toEqual(['setup', 'istio-init']);
  });

  it('holding the application has no effect on native sidecars', async () => {
    const inj = await injector({ values: { global: { proxy: { holdApplicationUntilProxyStarts: true } } } });
    const p = injected(inj.inject({ pod: pod() }));
    expect(container(p, 'istio-proxy')['lifecycle']).toEqual({ preStop: { exec: { command: ['pilot-agent', 'request', '--debug-port=15020', 'POST', 'drain'] } } });
  });

  it('interception NONE: no init container', async () => {
    const p = injected((await injector()).inject({ pod: pod({ annotations: { 'sidecar.istio.io/interceptionMode': 'NONE' } }) }));
    expect(names(p['spec']['initContainers'])).toEqual(['istio-proxy']);
  });
});

describe('traffic settings: annotation over values', () => {
  const values = {
    global: {
      proxy: {
        includeIPRanges: '10.0.0.0/8',
        excludeIPRanges: '10.9.0.0/16',
        includeInboundPorts: '80',
        excludeInboundPorts: '22',
        excludeOutboundPorts: '25',
        includeOutboundPorts: '',
      },
    },
  };
  it.each([
    ['-i', {}, '10.0.0.0/8'],
    ['-i', { 'traffic.sidecar.istio.io/includeOutboundIPRanges': '*' }, '*'],
    ['-x', {}, '10.9.0.0/16'],
    ['-x', { 'traffic.sidecar.istio.io/excludeOutboundIPRanges': '' }, ''],
    ['-b', {}, '80'],
    ['-b', { 'traffic.sidecar.istio.io/includeInboundPorts': '' }, ''],
    ['-d', {}, '15090,15021,22,15020'],
    ['-d', { 'traffic.sidecar.istio.io/excludeInboundPorts': '15020' }, '15090,15021,15020'],
    ['-d', { 'status.sidecar.istio.io/port': '0' }, '15090,15021,22'],
    ['-o', {}, '25'],
    ['-q', { 'traffic.sidecar.istio.io/includeOutboundPorts': '3306' }, '3306'],
    ['-k', { 'traffic.sidecar.istio.io/kubevirtInterfaces': 'net1', 'istio.io/reroute-virtual-interfaces': 'net2' }, 'net2'],
    ['-c', { 'traffic.sidecar.istio.io/excludeInterfaces': 'eth1' }, 'eth1'],
  ] as const)('%s with %j', async (flag, annotations, want) => {
    const p = injected((await injector({ values })).inject({ pod: pod({ annotations }) }));
    expect(arg(container(p, 'istio-init'), flag)).toBe(want);
  });

  it('-q is left out unless set', async () => {
    const p = injected((await injector()).inject({ pod: pod() }));
    expect(container(p, 'istio-init')['args']).not.toContain('-q');
    expect(container(p, 'istio-init')['args']).not.toContain('-o');
  });
});

describe('images', () => {
  it.each([
    [{}, {}, 'docker.io/istio/proxyv2:1.31.0', 'docker.io/istio/proxyv2:1.31.0'],
    [{ global: { hub: 'reg.example/istio', tag: 1.27 } }, {}, 'reg.example/istio/proxyv2:1.27', 'reg.example/istio/proxyv2:1.27'],
    [{ global: { variant: 'distroless' } }, {}, 'docker.io/istio/proxyv2:1.31.0-distroless', 'docker.io/istio/proxyv2:1.31.0-distroless'],
    [{ global: { tag: '1.31.0-distroless' } }, { 'sidecar.istio.io/proxyImageType': 'debug' }, 'docker.io/istio/proxyv2:1.31.0-debug', 'docker.io/istio/proxyv2:1.31.0-debug'],
    [{ global: { tag: '1.31.0-debug' } }, { 'sidecar.istio.io/proxyImageType': 'default' }, 'docker.io/istio/proxyv2:1.31.0', 'docker.io/istio/proxyv2:1.31.0'],
    [{ global: { proxy: { image: 'custom' } } }, {}, 'docker.io/istio/custom:1.31.0', 'docker.io/istio/proxyv2:1.31.0'],
    [{ global: { proxy: { image: 'other.example/proxy:9' } } }, {}, 'other.example/proxy:9', 'docker.io/istio/proxyv2:1.31.0'],
    [{}, { 'sidecar.istio.io/proxyImage': 'mirror.example/proxy:debug' }, 'mirror.example/proxy:debug', 'mirror.example/proxy:debug'],
    [{}, { 'sidecar.istio.io/proxyImage': 'no-slash' }, 'docker.io/istio/proxyv2:1.31.0', 'docker.io/istio/proxyv2:1.31.0'],
  ])('values %j, annotations %j', async (values, annotations, proxy, init) => {
    const p = injected((await injector({ values })).inject({ pod: pod({ annotations }) }));
    expect(container(p, 'istio-proxy')['image']).toBe(proxy);
    expect(container(p, 'istio-init')['image']).toBe(init);
  });

  it('the mesh image type applies to the proxy only', async () => {
    const p = injected((await injector({ mesh: { defaultConfig: { image: { imageType: 'distroless' } } } })).inject({ pod: pod() }));
    expect(container(p, 'istio-proxy')['image']).toBe('docker.io/istio/proxyv2:1.31.0-distroless');
    expect(container(p, 'istio-init')['image']).toBe('docker.io/istio/proxyv2:1.31.0');
  });

  it('image: auto gets the injected image; any other user image is kept', async () => {
    const withProxy = (image: string): Obj =>
      pod({
        spec: {
          containers: [
            { name: 'web', image: 'w' },
            { name: 'istio-proxy', image },
          ],
        },
      });
    const inj = await injector();
    expect(container(injected(inj.inject({ pod: withProxy('auto') })), 'istio-proxy')['image']).toBe('docker.io/istio/proxyv2:1.31.0');
    expect(container(injected(inj.inject({ pod: withProxy('my/proxy:1') })), 'istio-proxy')['image']).toBe('my/proxy:1');
  });
});

describe('proxy resources', () => {
  it('the chart defaults appear in canonical form, as Kubernetes prints them', async () => {
    const p = injected((await injector()).inject({ pod: pod() }));
    const want = { limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '100m', memory: '128Mi' } };
    expect(container(p, 'istio-proxy')['resources']).toEqual(want);
    expect(container(p, 'istio-init')['resources']).toEqual(want);
  });

  it('annotations: only the annotated fields, canonical', async () => {
    const annotations = { 'sidecar.istio.io/proxyCPU': '1500m', 'sidecar.istio.io/proxyMemoryLimit': '2048Mi' };
    const p = injected((await injector()).inject({ pod: pod({ annotations }) }));
    expect(container(p, 'istio-proxy')['resources']).toEqual({ requests: { cpu: '1500m' }, limits: { memory: '2Gi' } });
  });

  it.each([
    ['2000m', '2'],
    ['1024Mi', '1Gi'],
    ['100m', '100m'],
    ['128Mi', '128Mi'],
    ['0.5', '500m'],
    ['1.5Gi', '1536Mi'],
    ['0.5Gi', '512Mi'],
    ['512', '512'],
    ['2000', '2k'],
    ['1500', '1500'],
    ['1e3', '1e3'],
    ['0m', '0'],
    ['lots', 'lots'],
    ['0.1Gi', '107374182400m'],
    ['1e-12', '1e-9'],
    ['0.0000000001', '1n'],
    // Absurd exponents and digit counts are kept as written, never computed.
    ['1e-99999999999999999999', '1e-99999999999999999999'],
    ['1e-1000000000', '1e-1000000000'],
    ['1e99999999999999999999', '1e99999999999999999999'],
    [`0.${'0'.repeat(100)}1`, `0.${'0'.repeat(100)}1`],
  ])('quantity %s is %s', (text, want) => {
    expect(canonicalQuantity(text)).toBe(want);
  });

  it('an absurd quantity annotation neither throws nor stalls the injection', async () => {
    const annotations = { 'sidecar.istio.io/proxyCPU': '1e-99999999999999999999' };
    const out = (await injector()).inject({ pod: pod({ annotations }) });
    expect(out.kind).toBe('inject');
    expect(container(injected(out), 'istio-proxy')['resources']).toEqual({ requests: { cpu: '1e-99999999999999999999' } });
  });
});

describe('user overrides of injected containers', () => {
  it('user fields win, lists of args are replaced, and the originals are recorded', async () => {
    const user = {
      name: 'istio-proxy',
      image: 'auto',
      args: ['proxy', 'sidecar', '--concurrency', '2'],
      resources: { requests: { cpu: '1' } },
      env: [{ name: 'EXTRA', value: 'x' }],
    };
    const p = injected((await injector()).inject({ pod: pod({ spec: { containers: [{ name: 'web', image: 'w' }, user] } }) }));
    const proxy = container(p, 'istio-proxy');
    expect(proxy['args']).toEqual(['proxy', 'sidecar', '--concurrency', '2']);
    expect(proxy['resources']['requests']).toEqual({ cpu: '1', memory: '128Mi' });
    expect(env(proxy, 'EXTRA')).toBe('x');
    expect(env(proxy, 'PILOT_CERT_PROVIDER')).toBe('istiod');
    const recorded = JSON.parse(p['metadata']['annotations']['proxy.istio.io/overrides']);
    expect(recorded.initContainers[0]).toMatchObject({ name: 'istio-proxy', args: user.args });
    expect(recorded.initContainers[0].image).toBeUndefined();
  });

  it("the recorded containers are in Go's field order, with resources always present", async () => {
    const user = { securityContext: { runAsUser: 4000 }, image: 'auto', name: 'istio-proxy', env: [{ name: 'EXTRA', value: 'x' }] };
    const p = injected((await injector()).inject({ pod: pod({ spec: { containers: [{ name: 'web', image: 'w' }, user] } }) }));
    expect(p['metadata']['annotations']['proxy.istio.io/overrides']).toBe(
      '{"initContainers":[{"name":"istio-proxy","env":[{"name":"EXTRA","value":"x"}],"resources":{},"securityContext":{"runAsUser":4000}}]}',
    );
  });

  it('the recorded resources are canonical quantities, as Go prints them', async () => {
    const user = { name: 'istio-proxy', image: 'auto', resources: { limits: { memory: '1024Mi', cpu: 2 }, requests: { cpu: '0.5' } } };
    const p = injected((await injector()).inject({ pod: pod({ spec: { containers: [{ name: 'web', image: 'w' }, user] } }) }));
    expect(p['metadata']['annotations']['proxy.istio.io/overrides']).toBe(
      '{"initContainers":[{"name":"istio-proxy","resources":{"limits":{"memory":"1Gi","cpu":"2"},"requests":{"cpu":"500m"}}}]}',
    );
  });

  it("the user's runAsUser reaches the init container", async () => {
    const user = { name: 'istio-proxy', image: 'auto', securityContext: { runAsUser: 4000, runAsGroup: 4001 } };
    const p = injected((await injector()).inject({ pod: pod({ spec: { containers: [{ name: 'web', image: 'w' }, user] } }) }));
    expect(arg(container(p, 'istio-init'), '-u')).toBe('4000');
    expect(container(p, 'istio-proxy')['securityContext']).toMatchObject({ runAsUser: 4000, runAsGroup: 4001 });
  });
});

describe('probe rewriting', () => {
  const probed = (annotations: Record<string, string> = {}): Obj =>
    pod({
      annotations,
      spec: { containers: [{ name: 'web', image: 'w', ports: [{ name: 'http', containerPort: 8080 }], readinessProbe: { httpGet: { path: '/r', port: 'http' } } }] },
    });

  it('rewrites the probe and records it for the agent', async () => {
    const p = injected((await injector()).inject({ pod: probed() }));
    expect(container(p, 'web')['readinessProbe']).toEqual({ httpGet: { path: '/app-health/web/readyz', port: 15020 } });
    expect(JSON.parse(env(container(p, 'istio-proxy'), 'ISTIO_KUBE_APP_PROBERS') as string)).toEqual({ '/app-health/web/readyz': { httpGet: { path: '/r', port: 8080 } } });
  });

  it.each([
    [{ 'sidecar.istio.io/rewriteAppHTTPProbers': 'false' }, {}],
    [{}, { sidecarInjectorWebhook: { rewriteAppHTTPProbe: false } }],
  ])('is turned off by %j / values %j', async (annotations, values) => {
    const p = injected((await injector({ values })).inject({ pod: probed(annotations) }));
    expect(container(p, 'web')['readinessProbe']).toEqual({ httpGet: { path: '/r', port: 'http' } });
    expect(env(container(p, 'istio-proxy'), 'ISTIO_KUBE_APP_PROBERS')).toBeUndefined();
  });

  it('the annotation wins over values', async () => {
    const inj = await injector({ values: { sidecarInjectorWebhook: { rewriteAppHTTPProbe: false } } });
    const p = injected(inj.inject({ pod: probed({ 'sidecar.istio.io/rewriteAppHTTPProbers': 'true' }) }));
    expect(container(p, 'web')['readinessProbe']['httpGet']['port']).toBe(15020);
  });
});

describe('prometheus merge', () => {
  it("moves the app's scrape settings to the agent", async () => {
    const p = injected((await injector()).inject({ pod: pod({ annotations: { 'prometheus.io/scrape': 'true', 'prometheus-io/port': '9100' } }) }));
    expect(p['metadata']['annotations']).toMatchObject({ 'prometheus.io/port': '15020', 'prometheus.io/path': '/stats/prometheus', 'prometheus.io/scrape': 'true' });
    expect(p['metadata']['annotations']['prometheus-io/port']).toBeUndefined();
    expect(JSON.parse(env(container(p, 'istio-proxy'), 'ISTIO_PROMETHEUS_ANNOTATIONS') as string)).toEqual({ scrape: 'true', path: '', port: '9100' });
  });

  it.each([
    [{ 'prometheus.io/scrape': 'false' }, {}],
    [{ 'prometheus.istio.io/merge-metrics': 'false' }, {}],
    [{}, { enablePrometheusMerge: false }],
  ])('is off with %j / mesh %j', async (annotations, mesh) => {
    const p = injected((await injector({ mesh })).inject({ pod: pod({ annotations }) }));
    expect(p['metadata']['annotations']['prometheus.io/port']).toBeUndefined();
  });
});

describe('workload metadata', () => {
  const owned = (kind: string, ownerName: string, labels: Record<string, string>, apiVersion = 'apps/v1'): Obj => ({
    ...pod({ labels }),
    metadata: { generateName: `${ownerName}-`, namespace: 'shop', labels, ownerReferences: [{ apiVersion, kind, name: ownerName, uid: 'u', controller: true }] },
  });
  it.each([
    ['a bare Pod', pod(), 'kubernetes://apis/v1/namespaces/shop/pods/web'],
    ["a Deployment's Pod", owned('ReplicaSet', 'api-5d4f9c', { 'pod-template-hash': '5d4f9c' }), 'kubernetes://apis/apps/v1/namespaces/shop/deployments/api'],
    ["a bare ReplicaSet's Pod", owned('ReplicaSet', 'api-rs', {}), 'kubernetes://apis/apps/v1/namespaces/shop/replicasets/api-rs'],
    ["an Argo Rollout's Pod", owned('ReplicaSet', 'web-7f6d', { 'rollouts-pod-template-hash': '7f6d' }), 'kubernetes://apis/v1alpha1/namespaces/shop/rollouts/web'],
    ["a CronJob's Pod", owned('Job', 'nightly-28813920', {}, 'batch/v1'), 'kubernetes://apis/batch/v1/namespaces/shop/cronjobs/nightly'],
    ["an OpenShift DeploymentConfig's Pod", owned('ReplicationController', 'dc-1', { deploymentconfig: 'dc' }, 'v1'), 'kubernetes://apis/v1/namespaces/shop/deploymentconfigs/dc'],
    ["a StatefulSet's Pod", owned('StatefulSet', 'db', {}), 'kubernetes://apis/apps/v1/namespaces/shop/statefulsets/db'],
  ])('%s', async (_name, input, owner) => {
    const p = injected((await injector()).inject({ pod: input }));
    expect(env(container(p, 'istio-proxy'), 'ISTIO_META_OWNER')).toBe(owner);
  });

  it('canonical labels: kept when set, else derived and truncated to 63 characters', async () => {
    const inj = await injector();
    const long = `${'x'.repeat(62)}-tail`;
    const p = injected(inj.inject({ pod: pod({ labels: { app: long, version: 'v7' } }) }));
    expect(p['metadata']['labels']['service.istio.io/canonical-name']).toBe('x'.repeat(62));
    expect(p['metadata']['labels']['service.istio.io/canonical-revision']).toBe('v7');
    const kept = injected(inj.inject({ pod: pod({ labels: { 'service.istio.io/canonical-name': 'mine', 'security.istio.io/tlsMode': 'disabled' } }) }));
    expect(kept['metadata']['labels']).toMatchObject({ 'service.istio.io/canonical-name': 'mine', 'security.istio.io/tlsMode': 'disabled' });
  });
});

describe('status annotation and re-injection', () => {
  it('lists what the templates added, and the revision', async () => {
    const p = injected((await injector({ revision: 'canary', values: { global: { imagePullSecrets: ['regcred'] } } })).inject({ pod: pod() }));
    expect(JSON.parse(p['metadata']['annotations']['sidecar.istio.io/status'])).toEqual({
      initContainers: ['istio-init', 'istio-proxy'],
      containers: null,
      volumes: ['workload-socket', 'credential-socket', 'workload-certs', 'istio-envoy', 'istio-data', 'istio-podinfo', 'istio-token', 'istiod-ca-cert', 'istio-ca-crl'],
      imagePullSecrets: ['regcred'],
      revision: 'canary',
    });
    expect(p['metadata']['annotations']['istio.io/rev']).toBe('canary');
  });

  it('injecting an injected Pod returns no patch', async () => {
    const inj = await injector();
    const first = injected(inj.inject({ pod: pod({ annotations: { 'prometheus.io/port': '9100' } }) }));
    const again = inj.inject({ pod: first });
    expect(again.kind === 'inject' && again.patch).toEqual([]);
  });

  it('classic to native migration moves the old proxy into initContainers', async () => {
    const classic = injected((await injector({ nativeSidecars: false })).inject({ pod: pod() }));
    const native = injected((await injector()).inject({ pod: classic }));
    expect(names(native['spec']['containers'])).toEqual(['web']);
    expect(names(native['spec']['initContainers'])).toEqual(['istio-init', 'istio-proxy']);
  });

  it('managedFields never appear in the patch', async () => {
    const input = pod();
    (input['metadata'] as Obj)['managedFields'] = [{ manager: 'kubectl', operation: 'Update' }];
    const out = (await injector()).inject({ pod: input });
    expect(out.kind === 'inject' && out.patch.some((op) => op.path.includes('managedFields'))).toBe(false);
  });
});

describe('cluster and network from the webhook path', () => {
  it('path env wins over values and goes last, sorted', async () => {
    const inj = await injector({ values: { global: { multiCluster: { clusterName: 'c0' }, network: 'n0' } } });
    const p = injected(inj.inject({ pod: pod(), pathEnv: { ISTIO_META_CLUSTER_ID: 'c1', ISTIO_META_NETWORK: 'n1' } }));
    const names2 = container(p, 'istio-proxy')['env'].map((e: Obj) => e['name']);
    expect(names2.slice(-2)).toEqual(['ISTIO_META_CLUSTER_ID', 'ISTIO_META_NETWORK']);
    expect(env(container(p, 'istio-proxy'), 'ISTIO_META_CLUSTER_ID')).toBe('c1');
    expect(p['metadata']['labels']['topology.istio.io/network']).toBe('n1');
  });
});
