// Cluster mode's analysis at admission: the object being applied is checked against the
// cluster's objects (an informer cache), and what the analyzer finds comes back as admission
// warnings on an allowed object — never as a denial, and never at the cost of the verdict.
import { describe, expect, it } from 'vitest';
import { admissionAnalysis, warningText } from '../../src/cluster/analysis-warnings.js';
import { analyze } from '../../src/analyze/index.js';
import { review, testApp } from '../helpers/app.js';

const JSON_TYPE = { 'content-type': 'application/json' };
type Obj = Record<string, unknown>;

const stored: Obj[] = [
  {
    apiVersion: 'networking.istio.io/v1',
    kind: 'Gateway',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] },
  },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'cart', namespace: 'shop' }, spec: { ports: [{ port: 80 }] } },
];

function fakeCache(objects: Obj[], complete: string[]): { snapshot: () => { objects: Obj[]; complete: Set<string> }; generation: () => number; bump: () => void } {
  let gen = 1;
  return { snapshot: () => ({ objects, complete: new Set(complete) }), generation: () => gen, bump: () => void gen++ };
}

const COMPLETE = ['networking.istio.io/Gateway', '/Service', 'networking.istio.io/VirtualService'];

function vsReview(spec: Obj): Obj {
  return review({
    kind: { group: 'networking.istio.io', version: 'v1', kind: 'VirtualService' },
    resource: { group: 'networking.istio.io', version: 'v1', resource: 'virtualservices' },
    namespace: 'shop',
    name: 'cart',
    operation: 'CREATE',
    object: { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'cart' }, spec },
  });
}

async function post(body: Obj, analysis = admissionAnalysis({ cache: fakeCache(stored, COMPLETE) })): Promise<Record<string, any>> {
  const { app } = testApp({ analysis });
  const res = await app.inject({ method: 'POST', url: '/validate', headers: JSON_TYPE, payload: body });
  expect(res.statusCode).toBe(200);
  return res.json().response;
}

describe('/validate with the analysis of cluster mode', () => {
  it('allows the object and warns about what does not resolve in the cluster', async () => {
    const r = await post(vsReview({ hosts: ['cart.example.com'], gateways: ['web-gateway'], http: [{ route: [{ destination: { host: 'carts' } }] }] }));
    expect(r.allowed).toBe(true);
    expect(r.warnings).toEqual([
      'meshgate MG101 (error): spec.gateways[0] names Gateway shop/web-gateway, which does not exist; the routes bound to it receive no traffic. Fix: name one of the Gateways in shop (web) as "<name>", or create Gateway shop/web-gateway',
      'meshgate MG102 (error): spec.http[0].route[0].destination.host "carts" (carts.shop.svc.cluster.local) matches no Service shop/carts and no ServiceEntry; requests routed there fail with 503 (no healthy upstream). Fix: correct the host to an existing Service, or create Service shop/carts',
    ]);
  });

  it('adds nothing for an object whose references resolve', async () => {
    const r = await post(vsReview({ hosts: ['cart.example.com'], gateways: ['web'], http: [{ route: [{ destination: { host: 'cart' } }] }] }));
    expect(r).toEqual({ uid: expect.any(String), allowed: true });
  });

  it("a denial stays the validator's denial, without analysis warnings", async () => {
    const r = await post(vsReview({ hosts: ['cart'], gateways: ['nope'], http: [{ route: [{ destination: { host: 'cart' } }], redirect: { uri: '/x' } }] }));
    expect(r.allowed).toBe(false);
    expect(r.warnings).toBeUndefined();
  });

  it('an analysis that throws costs only its warnings', async () => {
    const r = await post(vsReview({ hosts: ['cart'], http: [{ route: [{ destination: { host: 'cart' } }] }] }), {
      warningsFor: () => {
        throw new Error('boom');
      },
    });
    expect(r).toEqual({ uid: expect.any(String), allowed: true });
  });

  it('says nothing until the cache has listed its kinds', async () => {
    const r = await post(
      vsReview({ hosts: ['cart'], gateways: ['nope'], http: [{ route: [{ destination: { host: 'cart' } }] }] }),
      admissionAnalysis({ cache: fakeCache([], []) }),
    );
    expect(r).toEqual({ uid: expect.any(String), allowed: true });
  });
});

describe('admissionAnalysis', () => {
  it('rebuilds its model after the cache changes, at most once per interval', () => {
    const objects = [...stored];
    const cache = fakeCache(objects, COMPLETE);
    let now = 0;
    const analysis = admissionAnalysis({ cache, now: () => now, rebuildMs: 1000 });
    const vs = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'a', namespace: 'shop' },
      spec: { hosts: ['a'], gateways: ['edge'], http: [{ route: [{ destination: { host: 'cart' } }] }] },
    };
    expect(analysis.warningsFor(vs, 'shop')).toHaveLength(1);
    objects.push({ ...(stored[0] as Obj), metadata: { name: 'edge', namespace: 'shop' } });
    cache.bump();
    now = 500;
    expect(analysis.warningsFor(vs, 'shop')).toHaveLength(1);
    now = 1500;
    expect(analysis.warningsFor(vs, 'shop')).toEqual([]);
  });

  it('keeps warnings within what the API server shows, dropping the fix first', () => {
    const [f] = analyze([
      ...stored,
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        metadata: { name: 'a', namespace: 'shop' },
        spec: { hosts: ['a'], gateways: [`${'x'.repeat(500)}`], http: [] },
      },
    ]);
    expect(f).toBeDefined();
    const text = warningText(f as NonNullable<typeof f>);
    expect(text.length).toBeLessThanOrEqual(512);
    expect(text).not.toContain('Fix:');
  });
});
