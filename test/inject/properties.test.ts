// Properties over generated Pods: the pipeline never throws; the patch applied to the input gives
// the injected Pod; injecting the result again changes nothing.
import fc from 'fast-check';
import jsonpatch from 'fast-json-patch';
import { describe, expect, it } from 'vitest';
import type { Injector } from '../../src/inject/index.js';
import { injector } from './helpers.js';

const ANNOTATIONS: Record<string, fc.Arbitrary<string>> = {
  'sidecar.istio.io/inject': fc.constantFrom('true', 'false', '', 'yes'),
  'inject.istio.io/templates': fc.constantFrom('sidecar', 'gateway', 'grpc-agent', 'grpc-simple', 'sidecar,sidecar', 'unknown'),
  'sidecar.istio.io/nativeSidecar': fc.constantFrom('true', 'false'),
  'sidecar.istio.io/interceptionMode': fc.constantFrom('REDIRECT', 'TPROXY', 'NONE', 'bad'),
  'traffic.sidecar.istio.io/includeInboundPorts': fc.constantFrom('*', '', '80,443', 'x'),
  'traffic.sidecar.istio.io/excludeOutboundIPRanges': fc.constantFrom('10.0.0.0/8', '*', ''),
  'status.sidecar.istio.io/port': fc.constantFrom('15020', '0', '15099'),
  'prometheus.io/scrape': fc.constantFrom('true', 'false'),
  'prometheus.io/port': fc.constantFrom('9090', '15090', 'http'),
  'sidecar.istio.io/proxyCPU': fc.constantFrom('100m', '2', 'lots'),
  'proxy.istio.io/config': fc.constantFrom('{"holdApplicationUntilProxyStarts": true}', 'concurrency: 2', '{'),
  'sidecar.istio.io/rewriteAppHTTPProbers': fc.constantFrom('true', 'false'),
  'sidecar.istio.io/userVolume': fc.constantFrom('{"v1":{"emptyDir":{}}}', '[x'),
};

const probe = fc.oneof(
  fc.record({ httpGet: fc.record({ path: fc.constantFrom('/', '/ready'), port: fc.oneof(fc.constantFrom('http', 'nope'), fc.integer({ min: 1, max: 65535 })) }) }),
  fc.record({ tcpSocket: fc.record({ port: fc.integer({ min: 1, max: 65535 }) }) }),
  fc.record({ exec: fc.record({ command: fc.constant(['true']) }) }),
);

const container = (name: string): fc.Arbitrary<Record<string, unknown>> =>
  fc.record(
    {
      name: fc.constant(name),
      image: name === 'istio-proxy' ? fc.constantFrom('auto', 'my/proxy:1') : fc.constantFrom('app:1', 'example.com/x:2'),
      ports: fc.uniqueArray(fc.integer({ min: 1, max: 65535 }), { maxLength: 2 }).map((ps) => ps.map((p, i) => ({ containerPort: p, name: i === 0 ? 'http' : `p${i}` }))),
      env: fc.uniqueArray(fc.constantFrom('A', 'B', 'C'), { maxLength: 3 }).map((ns) => ns.map((n) => ({ name: n, value: n.toLowerCase() }))),
      readinessProbe: probe,
      livenessProbe: probe,
      args: fc.array(fc.string({ maxLength: 5 }), { maxLength: 2 }),
      securityContext: fc.record({ runAsUser: fc.integer({ min: 0, max: 5000 }) }),
    },
    { requiredKeys: ['name', 'image'] },
  );

const podArb = fc
  .record({
    // A user's own istio-proxy is declared last, as charts and users do.
    names: fc
      .tuple(fc.uniqueArray(fc.constantFrom('app', 'web', 'worker'), { minLength: 1, maxLength: 3 }), fc.boolean())
      .map(([apps, proxy]) => (proxy ? [...apps, 'istio-proxy'] : apps)),
    inits: fc.uniqueArray(fc.constantFrom('setup', 'migrate'), { maxLength: 2 }),
    annotations: fc.dictionary(fc.constantFrom(...Object.keys(ANNOTATIONS)), fc.constant(''), { maxKeys: 5 }),
    labels: fc.dictionary(fc.constantFrom('app', 'version', 'sidecar.istio.io/inject', 'topology.istio.io/network'), fc.constantFrom('a', 'true', 'false'), { maxKeys: 3 }),
    hostNetwork: fc.boolean(),
    namespace: fc.constantFrom('shop', 'kube-system', ''),
    volumes: fc.uniqueArray(fc.constantFrom('data', 'istio-data', 'cache'), { maxLength: 2 }),
  })
  .chain((p) =>
    fc.record({
      containers: fc.tuple(...p.names.map(container)),
      initContainers: fc.tuple(...p.inits.map(container)),
      annotationValues: fc.record(Object.fromEntries(Object.keys(p.annotations).map((k) => [k, ANNOTATIONS[k] as fc.Arbitrary<string>]))),
      shape: fc.constant(p),
    }),
  )
  .map(({ containers, initContainers, annotationValues, shape }) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'generated',
      ...(shape.namespace ? { namespace: shape.namespace } : {}),
      labels: shape.labels,
      annotations: annotationValues,
      managedFields: [{ manager: 'test' }],
    },
    spec: {
      containers,
      ...(initContainers.length > 0 ? { initContainers } : {}),
      ...(shape.volumes.length > 0 ? { volumes: shape.volumes.map((name) => ({ name, emptyDir: {} })) } : {}),
      ...(shape.hostNetwork ? { hostNetwork: true } : {}),
    },
  }));

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

const withoutManagedFields = (p: Record<string, any>): Record<string, any> => {
  const copy = structuredClone(p);
  delete copy['metadata']['managedFields'];
  return copy;
};

describe.each([true, false])('generated Pods (native sidecars %s)', (native) => {
  let inj: Injector;

  it('never make the pipeline throw', async () => {
    inj = await injector({ nativeSidecars: native });
    fc.assert(
      fc.property(podArb, (p) => {
        const out = inj.inject({ pod: p, namespace: 'default' });
        expect(['skip', 'inject', 'deny']).toContain(out.kind);
      }),
      { numRuns: 150 },
    );
  });

  // The injected Pod shares what it leaves alone with the input (copy-on-write), so a frozen
  // input makes any write to it throw, on first injection and on re-injection alike.
  it('never change the input, even a shared part of it', async () => {
    inj = await injector({ nativeSidecars: native });
    fc.assert(
      fc.property(podArb, (p) => {
        const before = structuredClone(p);
        const first = inj.inject({ pod: deepFreeze(p), namespace: 'default' });
        expect(p).toEqual(before);
        expect(first).toEqual(inj.inject({ pod: structuredClone(before), namespace: 'default' }));
        if (first.kind !== 'inject') return;
        const injected = structuredClone(first.pod);
        inj.inject({ pod: deepFreeze(first.pod), namespace: 'default' });
        expect(first.pod).toEqual(injected);
      }),
      { numRuns: 100 },
    );
  });

  it('give a patch that turns the input into the injected Pod', async () => {
    inj = await injector({ nativeSidecars: native });
    fc.assert(
      fc.property(podArb, (p) => {
        const out = inj.inject({ pod: p, namespace: 'default' });
        if (out.kind !== 'inject') return;
        const applied = jsonpatch.applyPatch(withoutManagedFields(p), structuredClone(out.patch), true, false).newDocument;
        expect(applied).toEqual(out.pod);
      }),
      { numRuns: 150 },
    );
  });

  it('are injected once: injecting the result again changes nothing', async () => {
    inj = await injector({ nativeSidecars: native });
    fc.assert(
      fc.property(podArb, (p) => {
        const first = inj.inject({ pod: p, namespace: 'default' });
        if (first.kind !== 'inject') return;
        const second = inj.inject({ pod: first.pod, namespace: 'default' });
        expect(second.kind).toBe('inject');
        if (second.kind === 'inject') expect(second.pod).toEqual(first.pod);
      }),
      { numRuns: 150 },
    );
  });
});
