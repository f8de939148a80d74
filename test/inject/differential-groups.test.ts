// One test per difference group the differential suite found against Istio 1.31's injector
// (issue 12): what Istio does in each case, checked on meshgate's core.
import { describe, expect, it } from 'vitest';
import type { InjectOutcome } from '../../src/inject/index.js';
import { injector, pod } from './helpers.js';

type Obj = Record<string, unknown>;

function injected(o: InjectOutcome): Obj {
  if (o.kind !== 'inject') throw new Error(`expected inject, got ${o.kind}: ${o.message}`);
  return o.pod;
}

const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(obj) : []);
const spec = (p: Obj): Obj => obj(p['spec']);
const annotationsOf = (p: Obj): Obj => obj(obj(p['metadata'])['annotations']);
const containers = (p: Obj): Obj[] => [...list(spec(p)['initContainers']), ...list(spec(p)['containers'])];
const container = (p: Obj, name: string): Obj => containers(p).find((c) => c['name'] === name) ?? {};
const envNames = (c: Obj): string[] => list(c['env']).map((e) => String(e['name']));
const named = (items: unknown, name: string): Obj | undefined => list(items).find((x) => x['name'] === name);

const grpcAgent = (annotations: Record<string, string> = {}): Obj => pod({ annotations: { 'inject.istio.io/templates': 'grpc-agent', ...annotations }, spec: { nodeName: 'n1' } });

describe('grpc-agent template', () => {
  it('writes istio.io/rev, lists istio-proxy first and reports the node name, not an interception mode', async () => {
    const p = injected((await injector({ nativeSidecars: false })).inject({ pod: grpcAgent() }));
    expect(annotationsOf(p)['istio.io/rev']).toBe('default');
    expect(JSON.parse(String(annotationsOf(p)['sidecar.istio.io/status']))['containers']).toEqual(['istio-proxy', 'web']);
    const proxy = container(p, 'istio-proxy');
    expect(envNames(proxy)).toContain('ISTIO_META_NODE_NAME');
    expect(envNames(proxy)).not.toContain('ISTIO_META_INTERCEPTION_MODE');
  });

  it('applies sidecar.istio.io/userVolume and declares the bootstrapOverride volume', async () => {
    const p = injected(
      (await injector()).inject({
        pod: grpcAgent({
          'sidecar.istio.io/userVolume': '{"extra":{"emptyDir":{}}}',
          'sidecar.istio.io/userVolumeMount': '{"extra":{"mountPath":"/extra"}}',
          'sidecar.istio.io/bootstrapOverride': 'boot',
        }),
      }),
    );
    expect(named(spec(p)['volumes'], 'extra')).toEqual({ name: 'extra', emptyDir: {} });
    expect(named(spec(p)['volumes'], 'custom-bootstrap-volume')).toEqual({ name: 'custom-bootstrap-volume', configMap: { name: 'boot' } });
    expect(named(container(p, 'istio-proxy')['volumeMounts'], 'extra')).toEqual({ name: 'extra', mountPath: '/extra' });
  });

  it('with status port 0 the agent gets no readiness probe, resources or volume mounts', async () => {
    const proxy = container(injected((await injector()).inject({ pod: grpcAgent({ 'status.sidecar.istio.io/port': '0' }) })), 'istio-proxy');
    expect(proxy['readinessProbe']).toBeUndefined();
    expect(proxy['resources']).toBeUndefined();
    expect(proxy['volumeMounts']).toBeUndefined();
  });
});

describe('bootstrapOverride on a gateway', () => {
  it('mounts the ConfigMap and points ISTIO_BOOTSTRAP_OVERRIDE at it', async () => {
    const gw = pod({
      annotations: { 'inject.istio.io/templates': 'gateway', 'sidecar.istio.io/bootstrapOverride': 'boot' },
      spec: { containers: [{ name: 'istio-proxy', image: 'auto' }] },
    });
    const p = injected((await injector()).inject({ pod: gw }));
    const proxy = container(p, 'istio-proxy');
    expect(named(proxy['env'], 'ISTIO_BOOTSTRAP_OVERRIDE')).toEqual({ name: 'ISTIO_BOOTSTRAP_OVERRIDE', value: '/etc/istio/custom-bootstrap/custom_bootstrap.json' });
    expect(named(proxy['volumeMounts'], 'custom-bootstrap-volume')).toEqual({ name: 'custom-bootstrap-volume', mountPath: '/etc/istio/custom-bootstrap' });
    expect(named(spec(p)['volumes'], 'custom-bootstrap-volume')).toEqual({ name: 'custom-bootstrap-volume', configMap: { name: 'boot' } });
  });
});

describe('status.sidecar.istio.io/port: "0"', () => {
  it('keeps the gateway readiness probe on 15021, with the values timings only', async () => {
    const gw = pod({
      annotations: { 'inject.istio.io/templates': 'gateway', 'status.sidecar.istio.io/port': '0', 'readiness.status.sidecar.istio.io/periodSeconds': '3' },
      spec: { containers: [{ name: 'istio-proxy', image: 'auto' }] },
    });
    const probe = obj(container(injected((await injector()).inject({ pod: gw })), 'istio-proxy')['readinessProbe']);
    expect(probe).toEqual({ httpGet: { path: '/healthz/ready', port: 15021 }, periodSeconds: 15, timeoutSeconds: 3, failureThreshold: 4 });
  });

  it("still rewrites a sidecar Pod's app probes, to port 0", async () => {
    const app = { name: 'web', image: 'x', readinessProbe: { httpGet: { path: '/ready', port: 8080 } } };
    const p = injected((await injector()).inject({ pod: pod({ annotations: { 'status.sidecar.istio.io/port': '0' }, spec: { containers: [app] } }) }));
    expect(obj(container(p, 'web')['readinessProbe'])).toEqual({ httpGet: { path: '/app-health/web/readyz', port: 0 } });
    expect(envNames(container(p, 'istio-proxy'))).toContain('ISTIO_KUBE_APP_PROBERS');
  });
});

describe('the CA revocation list', () => {
  it('is mounted from its ConfigMap whoever signs the certificates', async () => {
    const p = injected((await injector({ values: { global: { pilotCertProvider: 'kubernetes' }, pilot: { crlConfigMapName: 'my-crl' } } })).inject({ pod: pod() }));
    expect(named(spec(p)['volumes'], 'istio-ca-crl')).toEqual({ name: 'istio-ca-crl', configMap: { name: 'my-crl', optional: true } });
  });
});

describe('bad JSON in sidecar.istio.io/userVolume', () => {
  it('denies a Pod whose templates read it and is ignored by the gateway template', async () => {
    const inj = await injector();
    const annotations = { 'sidecar.istio.io/userVolume': '{bad json' };
    expect(inj.inject({ pod: pod({ annotations }) }).kind).toBe('deny');
    const gw = pod({ annotations: { ...annotations, 'inject.istio.io/templates': 'gateway' }, spec: { containers: [{ name: 'istio-proxy', image: 'auto' }] } });
    expect(inj.inject({ pod: gw }).kind).toBe('inject');
  });
});

describe('a probe on a named port that several ports share', () => {
  it('is recorded with the last of them, as Istio reads the ports into a map', async () => {
    const app = {
      name: 'web',
      image: 'x',
      ports: [
        { containerPort: 8080, name: 'http' },
        { containerPort: 9090, name: 'http', protocol: 'UDP' },
      ],
      readinessProbe: { httpGet: { path: '/r', port: 'http' } },
    };
    const p = injected((await injector()).inject({ pod: pod({ spec: { containers: [app] } }) }));
    const probers = JSON.parse(String(named(container(p, 'istio-proxy')['env'], 'ISTIO_KUBE_APP_PROBERS')?.['value']));
    expect(probers['/app-health/web/readyz']).toEqual({ httpGet: { path: '/r', port: 9090 } });
  });
});

describe('a bad proxy.istio.io/config on a Pod that is not injected', () => {
  it('is refused by kube-inject (which parses it first) but not by the webhook', async () => {
    const p = pod({ annotations: { 'sidecar.istio.io/inject': 'false', 'proxy.istio.io/config': '{"concurrency": "two"}' } });
    const inj = await injector();
    expect(inj.inject({ pod: p, policy: 'enabled' }).kind).toBe('deny');
    expect(inj.inject({ pod: p }).kind).toBe('skip');
  });
});

describe('TPROXY with a runAsUser override on istio-proxy', () => {
  const userProxy = { name: 'istio-proxy', image: 'auto', securityContext: { runAsUser: 1500 } };

  it('runs the proxy as root and exempts the overridden user in istio-init', async () => {
    const p = injected(
      (await injector()).inject({ pod: pod({ annotations: { 'sidecar.istio.io/interceptionMode': 'TPROXY' }, spec: { containers: [{ name: 'web', image: 'x' }, userProxy] } }) }),
    );
    expect(obj(container(p, 'istio-proxy')['securityContext'])['runAsUser']).toBe(0);
    const args = (container(p, 'istio-init')['args'] as string[] | undefined) ?? [];
    expect(args[args.indexOf('-u') + 1]).toBe('1500');
  });

  it('leaves a gateway (no istio-init) as the user wrote it', async () => {
    const gw = pod({ annotations: { 'inject.istio.io/templates': 'gateway', 'sidecar.istio.io/interceptionMode': 'TPROXY' }, spec: { containers: [userProxy] } });
    expect(obj(container(injected((await injector()).inject({ pod: gw })), 'istio-proxy')['securityContext'])['runAsUser']).toBe(1500);
  });
});

describe('the network label with two istio-proxy containers (sidecar and grpc-agent, native sidecars)', () => {
  it('sets ISTIO_META_NETWORK on the one in containers only', async () => {
    const p = injected(
      (await injector()).inject({ pod: pod({ labels: { 'topology.istio.io/network': 'net-2' }, annotations: { 'inject.istio.io/templates': 'sidecar,grpc-agent' } }) }),
    );
    const inInit = list(spec(p)['initContainers']).find((c) => c['name'] === 'istio-proxy') ?? {};
    const inMain = list(spec(p)['containers']).find((c) => c['name'] === 'istio-proxy') ?? {};
    expect(envNames(inMain)).toContain('ISTIO_META_NETWORK');
    expect(envNames(inInit)).not.toContain('ISTIO_META_NETWORK');
  });
});

describe('user volume annotations as Istio ranges over them', () => {
  const sidecar = (annotations: Record<string, string>): Obj => pod({ annotations });

  it('takes a JSON array: the index names an entry without a name of its own', async () => {
    const p = injected(
      (await injector()).inject({
        pod: sidecar({ 'sidecar.istio.io/userVolume': '[{"name":"x","emptyDir":{}}]', 'sidecar.istio.io/userVolumeMount': '[{"mountPath":"/y"},{"name":"x","mountPath":"/x"}]' }),
      }),
    );
    expect(named(spec(p)['volumes'], 'x')).toEqual({ name: 'x', emptyDir: {} });
    const mounts = container(p, 'istio-proxy')['volumeMounts'];
    expect(named(mounts, '0')).toEqual({ name: '0', mountPath: '/y' });
    expect(named(mounts, 'x')).toEqual({ name: 'x', mountPath: '/x' });
  });

  it('takes null as no entries', async () => {
    const inj = await injector();
    const mounts = (a: Record<string, string>): unknown => container(injected(inj.inject({ pod: sidecar(a) })), 'istio-proxy')['volumeMounts'];
    expect(mounts({ 'sidecar.istio.io/userVolumeMount': 'null' })).toEqual(mounts({}));
  });

  it.each(['5', '["a"]', '{"x":"a"}', '{bad'])('denies %s, which Istio cannot render', async (value) => {
    const o = (await injector()).inject({ pod: sidecar({ 'sidecar.istio.io/userVolumeMount': value }) });
    expect(o.kind === 'deny' ? o.message : o.kind).toContain('sidecar.istio.io/userVolumeMount');
  });
});
