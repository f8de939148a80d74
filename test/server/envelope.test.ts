// The HTTP envelope of both admission routes: bad transport input gets a 4xx with a message;
// anything decodable gets HTTP 200 with an AdmissionReview echoing apiVersion, kind and uid.
import { describe, expect, it } from 'vitest';
import { fakeInjector, review, testApp } from '../helpers/app.js';

const JSON_TYPE = { 'content-type': 'application/json' };

describe.each(['/inject', '/validate'])('bad input on %s', (url) => {
  it('no body → 400 with a message', async () => {
    const { app } = testApp();
    const res = await app.inject({ method: 'POST', url });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'NO_BODY', message: expect.stringContaining('no body') });
  });

  it('empty JSON body → 400', async () => {
    const { app } = testApp();
    const res = await app.inject({ method: 'POST', url, headers: JSON_TYPE, payload: '' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('NO_BODY');
  });

  it('body that is not JSON → 400', async () => {
    const { app } = testApp();
    const res = await app.inject({ method: 'POST', url, headers: JSON_TYPE, payload: '{"apiVersion": ' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'NOT_JSON', message: 'the body is not valid JSON' });
  });

  it('content type other than application/json → 415', async () => {
    const { app } = testApp();
    const res = await app.inject({ method: 'POST', url, headers: { 'content-type': 'text/plain' }, payload: JSON.stringify(review()) });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ error: 'UNSUPPORTED_MEDIA_TYPE', message: 'Content-Type must be application/json' });
  });

  it('body over the limit → 413', async () => {
    const { app } = testApp();
    const big = JSON.stringify({ ...review(), padding: 'x'.repeat(7 * 1024 * 1024) });
    const res = await app.inject({ method: 'POST', url, headers: JSON_TYPE, payload: big });
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toBe('BODY_TOO_LARGE');
  });

  it('JSON that is not an AdmissionReview → 400 naming what is missing', async () => {
    const { app } = testApp();
    const res = await app.inject({ method: 'POST', url, headers: JSON_TYPE, payload: { apiVersion: 'v1', kind: 'Pod' } });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error).toBe('NOT_ADMISSION_REVIEW');
    expect(body.message).toContain('apiVersion');
    expect(body.message).toContain('request is missing');
  });

  it('an AdmissionReview without request.uid → 400 naming request.uid', async () => {
    const { app } = testApp();
    const r = review();
    delete (r['request'] as Record<string, unknown>)['uid'];
    const res = await app.inject({ method: 'POST', url, headers: JSON_TYPE, payload: r });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain('request.uid is missing');
  });

  it('a JSON array → 400', async () => {
    const { app } = testApp();
    const res = await app.inject({ method: 'POST', url, headers: JSON_TYPE, payload: '[1,2]' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('NOT_ADMISSION_REVIEW');
  });
});

describe.each(['admission.k8s.io/v1', 'admission.k8s.io/v1beta1'])('echo with %s', (apiVersion) => {
  it.each(['/inject', '/validate'])('%s answers 200 with apiVersion, kind and uid echoed', async (url) => {
    const { app } = testApp();
    const res = await app.inject({ method: 'POST', url, headers: JSON_TYPE, payload: review({}, apiVersion) });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ apiVersion, kind: 'AdmissionReview', response: { uid: 'b7f9c2d4-0000-4000-8000-000000000001' } });
    expect(body).not.toHaveProperty('request');
  });
});

describe('a handler that throws', () => {
  it('answers HTTP 200, allowed false, a 500 status inside, uid echoed, no stack, error logged', async () => {
    const boom = fakeInjector(() => {
      throw new Error('secret internal detail at /srv/inject.ts:42');
    });
    const { app, logs, metrics } = testApp({ injector: boom });
    const res = await app.inject({ method: 'POST', url: '/inject', headers: JSON_TYPE, payload: review() });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.response).toMatchObject({ uid: 'b7f9c2d4-0000-4000-8000-000000000001', allowed: false, status: { code: 500 } });
    expect(res.body).not.toContain('secret internal detail');
    expect(res.body).not.toContain('.ts:');
    const logged = logs().find((l) => l['msg'] === 'injection failed unexpectedly');
    expect(logged).toBeDefined();
    expect(JSON.stringify(logged)).toContain('secret internal detail');
    expect(await metrics.registry.getSingleMetricAsString('sidecar_injection_failure_total')).toContain('reason="internal"} 1');
  });
});

describe('routes', () => {
  it('an unknown path gets 404 listing the routes', async () => {
    const { app } = testApp();
    const res = await app.inject({ method: 'GET', url: '/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json().message).toContain('POST /inject');
  });

  it('/inject/<params> is served like /inject', async () => {
    let seen: unknown;
    const spy = fakeInjector(() => ({ kind: 'skip', reason: 'explicitly_disabled', message: 'x' }));
    (spy as unknown as { inject: (i: unknown) => unknown }).inject = (input) => {
      seen = input;
      return { kind: 'skip', reason: 'explicitly_disabled', message: 'x' };
    };
    const { app } = testApp({ injector: spy });
    const res = await app.inject({ method: 'POST', url: '/inject/cluster/east/net/net--slash--1', headers: JSON_TYPE, payload: review() });
    expect(res.statusCode).toBe(200);
    expect(seen).toMatchObject({ pathEnv: { ISTIO_META_CLUSTER_ID: 'east', ISTIO_META_NETWORK: 'net/1' }, namespace: 'shop' });
  });

  it('/healthz answers ok; /readyz follows readiness', async () => {
    const { app, readiness } = testApp();
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    readiness.block('shutdown');
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ status: 'not ready', waitingFor: ['shutdown'] });
  });

  it('/metrics exposes the Istio-compatible names', async () => {
    const { app } = testApp();
    await app.inject({ method: 'POST', url: '/inject', headers: JSON_TYPE, payload: review() });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    for (const name of [
      'sidecar_injection_requests_total 1',
      'sidecar_injection_success_total 1',
      'sidecar_injection_skip_total{reason="explicitly_disabled"} 1',
      'sidecar_injection_time_seconds_bucket',
      'galley_validation_passed',
      'galley_validation_failed',
    ]) {
      expect(res.body).toContain(name);
    }
  });
});

describe('logging', () => {
  it('writes one line per admission request with its identity, decision and duration', async () => {
    const { app, logs } = testApp();
    await app.inject({ method: 'POST', url: '/inject', headers: JSON_TYPE, payload: review() });
    const lines = logs().filter((l) => l['msg'] === 'inject');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      uid: 'b7f9c2d4-0000-4000-8000-000000000001',
      kind: 'Pod',
      namespace: 'shop',
      name: 'cart-1',
      operation: 'CREATE',
      decision: 'skip',
      reason: 'explicitly_disabled',
      message: 'test',
      level: 'info',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      durationMs: expect.any(Number),
    });
  });
});
