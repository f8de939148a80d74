// /validate through the real validators: the denial text kubectl prints, warnings, DELETE
// and unknown kinds allowed, dry-run judged the same, bounded metric labels.
import { describe, expect, it } from 'vitest';
import { metricLabels } from '../../src/server/routes/validate.js';
import { review, testApp } from '../helpers/app.js';

const JSON_TYPE = { 'content-type': 'application/json' };

function vsReview(spec: Record<string, unknown>, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return review({
    kind: { group: 'networking.istio.io', version: 'v1', kind: 'VirtualService' },
    resource: { group: 'networking.istio.io', version: 'v1', resource: 'virtualservices' },
    namespace: 'shop',
    name: 'cart',
    object: { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'cart', namespace: 'shop' }, spec },
    ...overrides,
  });
}

const ROUTE = [{ destination: { host: 'cart' } }];
const BROKEN = { hosts: ['cart'], http: [{ route: ROUTE, redirect: { uri: '/v2' } }, { route: [{ destination: { host: 'cart' }, weight: -5 }] }] };

async function post(body: unknown): Promise<Record<string, any>> {
  const { app } = testApp();
  const res = await app.inject({ method: 'POST', url: '/validate', headers: JSON_TYPE, payload: body as Record<string, unknown> });
  expect(res.statusCode).toBe(200);
  return res.json().response;
}

describe('/validate', () => {
  it('allows a valid resource', async () => {
    const r = await post(vsReview({ hosts: ['cart'], http: [{ route: ROUTE }] }));
    expect(r).toEqual({ uid: expect.any(String), allowed: true });
  });

  it('denies with "<Kind> <ns>/<name> is invalid: <path>: <message>; ..." listing every problem', async () => {
    const r = await post(vsReview(BROKEN));
    expect(r.allowed).toBe(false);
    expect(r.status.code).toBe(422);
    expect(r.status.message).toMatch(/^VirtualService shop\/cart is invalid: spec\.http\[0\][^;]*: .+; spec\.http\[1\]\.route\[0\]\.weight: .+/);
  });

  it('judges a dry run exactly like a real request', async () => {
    const real = await post(vsReview(BROKEN));
    const dry = await post(vsReview(BROKEN, { dryRun: true }));
    expect(dry).toEqual(real);
  });

  it('returns warnings with an allowed resource', async () => {
    const r = await post(
      review({
        kind: { group: 'networking.istio.io', version: 'v1alpha3', kind: 'EnvoyFilter' },
        resource: { group: 'networking.istio.io', version: 'v1alpha3', resource: 'envoyfilters' },
        object: {
          apiVersion: 'networking.istio.io/v1alpha3',
          kind: 'EnvoyFilter',
          metadata: { name: 'lua', namespace: 'shop' },
          spec: {
            configPatches: [{ applyTo: 'HTTP_FILTER', match: { context: 'SIDECAR_INBOUND' }, patch: { operation: 'INSERT_BEFORE', value: { name: 'envoy.filters.http.lua' } } }],
          },
        },
      }),
    );
    expect(r.allowed).toBe(true);
    expect(r.warnings.length).toBeGreaterThan(0);
    for (const w of r.warnings) expect(w.length).toBeLessThan(120);
  });

  it.each(['DELETE', 'CONNECT'])('allows %s whatever the object', async (operation) => {
    const r = await post(vsReview(BROKEN, { operation }));
    expect(r.allowed).toBe(true);
  });

  it('allows kinds it does not know', async () => {
    const r = await post(
      review({
        kind: { group: 'gateway.envoyproxy.io', version: 'v1alpha1', kind: 'EnvoyProxy' },
        resource: { group: 'gateway.envoyproxy.io', version: 'v1alpha1', resource: 'envoyproxies' },
        object: { apiVersion: 'gateway.envoyproxy.io/v1alpha1', kind: 'EnvoyProxy', metadata: { name: 'x' }, spec: { anything: true } },
      }),
    );
    expect(r.allowed).toBe(true);
  });

  it('looks the kind up regardless of version', async () => {
    for (const version of ['v1alpha3', 'v1beta1', 'v1']) {
      const r = await post(vsReview(BROKEN, { kind: { group: 'networking.istio.io', version, kind: 'VirtualService' } }));
      expect(r.allowed).toBe(false);
    }
  });

  it('names a cluster-scoped object without a namespace', async () => {
    const r = await post(
      review({
        kind: { group: 'gateway.networking.k8s.io', version: 'v1', kind: 'GatewayClass' },
        resource: { group: 'gateway.networking.k8s.io', version: 'v1', resource: 'gatewayclasses' },
        namespace: '',
        name: 'edge',
        object: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: 'edge' }, spec: { controllerName: 'not a controller name' } },
      }),
    );
    expect(r.allowed).toBe(false);
    expect(r.status.message).toMatch(/^GatewayClass edge is invalid: spec\.controllerName: /);
  });
});

describe('metric labels', () => {
  it.each([
    ['networking.istio.io', 'v1', 'VirtualService', 'virtualservices'],
    ['networking.istio.io', 'v1', 'ServiceEntry', 'serviceentries'],
    ['gateway.networking.k8s.io', 'v1', 'GatewayClass', 'gatewayclasses'],
    ['gateway.networking.k8s.io', 'v1alpha3', 'BackendTLSPolicy', 'backendtlspolicies'],
    ['telemetry.istio.io', 'v1', 'Telemetry', 'telemetries'],
  ])('%s %s %s → %s', (group, version, kind, resource) => {
    expect(metricLabels(group, version, kind)).toEqual({ group, version, resource });
  });

  it('never takes a client-chosen version', () => {
    expect(metricLabels('networking.istio.io', 'v99zzz', 'Gateway').version).toBe('other');
  });
});

describe("/validate with the API server's view of the object", () => {
  const GW = { group: 'gateway.networking.k8s.io', version: 'v1', kind: 'HTTPRoute' };
  const httpRoute = (rule: Record<string, unknown>, labels: Record<string, string> = {}): Record<string, unknown> => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'r', namespace: 'shop', labels },
    spec: { parentRefs: [{ name: 'gw' }], hostnames: ['Bad_Host'], rules: [{ backendRefs: [{ name: 'svc', port: 80 }], ...rule }] },
  });

  it('allows sessionPersistence: {} after the API server defaulted its type to Cookie', async () => {
    const object = httpRoute({ sessionPersistence: { type: 'Cookie' } });
    (object['spec'] as Record<string, unknown>)['hostnames'] = ['ok.example.com'];
    const r = await post(review({ kind: GW, resource: { ...GW, resource: 'httproutes' }, namespace: 'shop', object }));
    expect(r.allowed).toBe(true);
  });

  it('passes an UPDATE that leaves an already invalid field alone (ratcheting), and denies the CREATE', async () => {
    const base = { kind: GW, resource: { ...GW, resource: 'httproutes' }, namespace: 'shop' };
    const create = await post(review({ ...base, object: httpRoute({}) }));
    expect(create.allowed).toBe(false);
    const update = await post(review({ ...base, operation: 'UPDATE', object: httpRoute({}, { v: '2' }), oldObject: httpRoute({}) }));
    expect(update.allowed).toBe(true);
  });
});
