// No input makes the pipeline throw: structurally arbitrary JSON in every position of a Pod,
// including keys that collide with Object.prototype (`__proto__`, `constructor`, `toString`).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { injector } from './helpers.js';

const json = fc.jsonValue({ maxDepth: 3 });
const trickyKey = fc.constantFrom('__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty');
const key = fc.oneof(trickyKey, fc.string({ maxLength: 8 }));
const annotationKey = fc.oneof(
  trickyKey,
  fc.constantFrom(
    'proxy.istio.io/overrides',
    'sidecar.istio.io/status',
    'sidecar.istio.io/userVolume',
    'prometheus.io/port',
    'proxy.istio.io/config',
    'inject.istio.io/templates',
    'k8s.v1.cni.cncf.io/networks',
    'apm.datadoghq.com/env',
    'status.sidecar.istio.io/port',
  ),
);
const annotationValue = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom(
    'constructor',
    '__proto__',
    '{"containers":[{"name":"istio-proxy"}]}',
    '{"initContainers":["x"],"containers":[1]}',
    '[{"name":"a"}]',
    '{"__proto__":{"x":1}}',
    'constructor: 1',
  ),
);
const container = fc.record(
  {
    name: fc.oneof(fc.constantFrom('app', 'istio-proxy', 'istio-init', '__proto__'), fc.string({ maxLength: 6 }), json),
    image: fc.oneof(fc.constant('auto'), json),
    ports: fc.oneof(json, fc.array(fc.record({ containerPort: fc.oneof(fc.integer(), json), name: fc.oneof(fc.string({ maxLength: 5 }), json) }), { maxLength: 2 })),
    env: fc.oneof(json, fc.array(fc.record({ name: fc.oneof(key, json), value: json }), { maxLength: 3 })),
    readinessProbe: json,
    lifecycle: json,
    securityContext: json,
    args: json,
  },
  { requiredKeys: [] },
);
const podArb = fc.record({
  metadata: fc.record(
    {
      name: json,
      namespace: json,
      labels: fc.oneof(json, fc.dictionary(key, fc.string({ maxLength: 6 }))),
      annotations: fc.oneof(json, fc.dictionary(annotationKey, annotationValue)),
      ownerReferences: json,
      generateName: json,
    },
    { requiredKeys: [] },
  ),
  spec: fc.record(
    {
      containers: fc.array(fc.oneof(container, json), { maxLength: 3 }),
      initContainers: fc.oneof(json, fc.array(fc.oneof(container, json), { maxLength: 2 })),
      volumes: json,
      imagePullSecrets: json,
      hostNetwork: json,
      securityContext: json,
    },
    { requiredKeys: ['containers'] },
  ),
});

describe.each([true, false])('arbitrary input (native sidecars %s)', (native) => {
  it('gives skip, inject or deny, and an injected result can be injected again', async () => {
    const inj = await injector({ nativeSidecars: native, values: { pilot: { cni: { enabled: true, provider: 'multus' } }, global: { proxy: { tracer: 'datadog' } } } });
    fc.assert(
      fc.property(podArb, (p) => {
        const out = inj.inject({ pod: p as Record<string, unknown>, namespace: 'default' });
        expect(['skip', 'inject', 'deny']).toContain(out.kind);
        if (out.kind === 'inject') expect(['inject', 'deny']).toContain(inj.inject({ pod: out.pod, namespace: 'default' }).kind);
        expect(Object.prototype).not.toHaveProperty('x');
      }),
      { numRuns: 400 },
    );
  });
});
