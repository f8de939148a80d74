// What an operator sees from the webhook itself: Istio's meaning of the injection and validation
// metrics, the one log line per request (decision, reason's message, user, object, duration), the
// log line of a refused request (method, path, client), the Events a verdict asks for, the
// build-info metric and the plaintext metrics listener.
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { AdmissionNotice } from '../../src/admission/notice.js';
import type { InjectOutcome } from '../../src/inject/types.js';
import { describeSystemError } from '../../src/cli/failures.js';
import { createMetrics } from '../../src/server/metrics.js';
import { listenMetrics } from '../../src/server/metrics-listener.js';
import { fakeInjector, review, testApp } from '../helpers/app.js';

const JSON_TYPE = { 'content-type': 'application/json' };

/** The outcome a fake injector gives, chosen by the Pod's name. */
function byName(pod: Record<string, unknown>): InjectOutcome {
  const md = pod['metadata'] as { name?: string; generateName?: string };
  const name = md.name ?? md.generateName ?? '';
  if (name.startsWith('skip'))
    return { kind: 'skip', reason: 'host_network', message: 'the Pod uses the host network (spec.hostNetwork: true), so its traffic cannot be captured' };
  if (name.startsWith('optout')) return { kind: 'skip', reason: 'explicitly_disabled', message: 'the Pod\'s annotation sidecar.istio.io/inject is "false"' };
  if (name.startsWith('deny')) return { kind: 'deny', reason: 'invalid_annotation', message: 'invalid annotation value: traffic.sidecar.istio.io/excludeOutboundPorts: "smtp"' };
  return { kind: 'inject', pod, patch: [{ op: 'add', path: '/metadata/labels', value: { injected: 'yes' } }], warnings: [] };
}

function app(notices: AdmissionNotice[] = []): ReturnType<typeof testApp> {
  const injector = fakeInjector(() => ({ kind: 'skip', reason: 'explicitly_disabled', message: 'x' }));
  (injector as unknown as { inject: (i: { pod: Record<string, unknown> }) => InjectOutcome }).inject = (i) => byName(i.pod);
  return testApp({ injector, notices: { notify: (n) => notices.push(n) } });
}

const RS_OWNER = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'cart-7d9f', uid: 'rs-1', controller: true };

function podReview(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return review({
    name: '',
    userInfo: { username: 'system:serviceaccount:kube-system:replicaset-controller' },
    object: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { generateName: `${name}-`, namespace: 'shop', ownerReferences: [RS_OWNER] },
      spec: { containers: [{ name: 'app', image: 'app' }] },
    },
    ...extra,
  });
}

async function metric(a: ReturnType<typeof testApp>, name: string): Promise<number> {
  const values = (await a.metrics.registry.getSingleMetric(name)?.get())?.values ?? [];
  return values.filter((v) => !('le' in v.labels)).reduce((sum, v) => sum + v.value, 0);
}

describe('injection metrics mean what they mean in Istio', () => {
  it('requests count refused requests too; success counts every AdmissionReview answered, denials included', async () => {
    const a = app();
    for (const name of ['ok', 'skip', 'deny']) await a.app.inject({ method: 'POST', url: '/inject', headers: JSON_TYPE, payload: podReview(name) });
    await a.app.inject({ method: 'POST', url: '/inject', headers: { 'content-type': 'text/plain' }, payload: JSON.stringify(podReview('x')) });
    await a.app.inject({ method: 'POST', url: '/inject', headers: JSON_TYPE, payload: '{"not json' });
    expect(await metric(a, 'sidecar_injection_requests_total')).toBe(5);
    expect(await metric(a, 'sidecar_injection_success_total')).toBe(3);
    expect(await metric(a, 'sidecar_injection_skip_total')).toBe(1);
    // The denial, the 415 and the unreadable body.
    expect(await metric(a, 'sidecar_injection_failure_total')).toBe(3);
    const time = (await a.metrics.registry.getSingleMetric('sidecar_injection_time_seconds')?.get())?.values.find(
      (v) => (v as { metricName?: string }).metricName === 'sidecar_injection_time_seconds_count',
    );
    expect(time?.value).toBe(5);
    const decisions = (await a.metrics.registry.getSingleMetric('meshgate_injection_decisions_total')?.get())?.values.map(
      (v) => `${v.labels['decision']}:${v.labels['reason']}=${v.value}`,
    );
    expect(decisions?.sort()).toEqual(['deny:invalid_annotation=1', 'inject:=1', 'skip:host_network=1']);
  });
});

describe('validation metrics mean what they mean in Istio', () => {
  const gw = (extra: Record<string, unknown> = {}, annotations: Record<string, string> = {}): Record<string, unknown> =>
    review({
      kind: { group: 'networking.istio.io', version: 'v1', kind: 'Gateway' },
      resource: { group: 'networking.istio.io', version: 'v1', resource: 'gateways' },
      name: 'gw',
      object: {
        apiVersion: 'networking.istio.io/v1',
        kind: 'Gateway',
        metadata: { name: 'gw', namespace: 'shop', annotations },
        spec: { servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] },
      },
      ...extra,
    });
  const reject = { 'internal.istio.io/webhook-always-reject': 'true' };

  it('passed counts dry runs; failed does not; DELETE is unsupported_operation; refused requests are http errors', async () => {
    const a = app();
    const post = (payload: Record<string, unknown>): Promise<unknown> => a.app.inject({ method: 'POST', url: '/validate', headers: JSON_TYPE, payload });
    await post(gw());
    await post(gw({ dryRun: true }));
    await post(gw({}, reject));
    await post(gw({ dryRun: true }, reject));
    await post(gw({ operation: 'DELETE', oldObject: {}, object: null }));
    await a.app.inject({ method: 'POST', url: '/validate', headers: { 'content-type': 'text/plain' }, payload: 'x' });
    const failed = (await a.metrics.registry.getSingleMetric('galley_validation_failed')?.get())?.values.map((v) => `${v.labels['resource']}:${v.labels['reason']}=${v.value}`);
    expect(await metric(a, 'galley_validation_passed')).toBe(2);
    expect(failed?.sort()).toEqual(['gateways:invalid_resource=1', 'gateways:unsupported_operation=1']);
    const http = (await a.metrics.registry.getSingleMetric('galley_validation_http_error')?.get())?.values.map((v) => `${v.labels['status']}=${v.value}`);
    expect(http).toEqual(['415=1']);
  });
});

describe('one log line per request', () => {
  it("carries the decision, the reason's message, the user, the object and the duration, with a string level and an ISO time", async () => {
    const a = app();
    await a.app.inject({ method: 'POST', url: '/inject', headers: JSON_TYPE, payload: podReview('skip') });
    const line = a.logs().find((l) => l['msg'] === 'inject');
    expect(line).toMatchObject({
      level: 'info',
      time: expect.stringMatching(/Z$/),
      kind: 'Pod',
      namespace: 'shop',
      name: 'skip-*',
      operation: 'CREATE',
      user: 'system:serviceaccount:kube-system:replicaset-controller',
      decision: 'skip',
      reason: 'host_network',
      message: expect.stringContaining('host network'),
      revision: 'default',
      durationMs: expect.any(Number),
    });
  });

  it('a validation denial is logged with its errors', async () => {
    const a = app();
    await a.app.inject({
      method: 'POST',
      url: '/validate',
      headers: JSON_TYPE,
      payload: review({
        kind: { group: 'networking.istio.io', version: 'v1', kind: 'VirtualService' },
        resource: { group: 'networking.istio.io', version: 'v1', resource: 'virtualservices' },
        name: 'cart',
        userInfo: { username: 'jane@example.com' },
        object: {
          apiVersion: 'networking.istio.io/v1',
          kind: 'VirtualService',
          metadata: { name: 'cart', namespace: 'shop' },
          spec: { hosts: ['cart'], http: [{ route: [{ destination: { host: 'cart' }, weight: -5 }] }] },
        },
      }),
    });
    const line = a.logs().find((l) => l['msg'] === 'validate');
    expect(line).toMatchObject({
      decision: 'deny',
      reason: 'invalid_resource',
      user: 'jane@example.com',
      message: expect.stringContaining('VirtualService shop/cart is invalid: spec.http[0].route[0].weight'),
    });
  });

  it('a refused request is logged with method, path and client', async () => {
    const a = app();
    await a.app.inject({ method: 'POST', url: '/inject/cluster/c1?timeout=10s', headers: { 'content-type': 'text/plain' }, payload: 'x', remoteAddress: '10.1.2.3' });
    const line = a.logs().find((l) => l['msg'] === 'request rejected');
    expect(line).toMatchObject({ level: 'warn', method: 'POST', path: '/inject/cluster/c1', client: '10.1.2.3', status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
  });
});

describe('Events the verdicts ask for', () => {
  it("a skip the namespace asked against and a denial carry an Event for the Pod's owner; an opt-out and a dry run do not", async () => {
    const notices: AdmissionNotice[] = [];
    const a = app(notices);
    for (const name of ['ok', 'skip', 'optout', 'deny']) await a.app.inject({ method: 'POST', url: '/inject', headers: JSON_TYPE, payload: podReview(name) });
    await a.app.inject({ method: 'POST', url: '/inject', headers: JSON_TYPE, payload: podReview('skip', { dryRun: true }) });
    expect(notices.map((n) => `${n.type}/${n.reason}`)).toEqual(['Warning/SidecarInjectionSkipped', 'Warning/SidecarInjectionDenied']);
    expect(notices[0]).toMatchObject({
      message: 'The Istio sidecar was not injected (host_network): the Pod uses the host network (spec.hostNetwork: true), so its traffic cannot be captured',
      object: { apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'skip-*', ownerReferences: [RS_OWNER] },
    });
  });

  it('a denied update carries an Event on the stored object, with its uid', async () => {
    const notices: AdmissionNotice[] = [];
    const a = app(notices);
    const spec = { hosts: ['cart'], http: [{ route: [{ destination: { host: 'cart' }, weight: -5 }] }] };
    await a.app.inject({
      method: 'POST',
      url: '/validate',
      headers: JSON_TYPE,
      payload: review({
        kind: { group: 'networking.istio.io', version: 'v1', kind: 'VirtualService' },
        resource: { group: 'networking.istio.io', version: 'v1', resource: 'virtualservices' },
        name: 'cart',
        operation: 'UPDATE',
        object: { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'cart', namespace: 'shop', uid: 'vs-1' }, spec },
        oldObject: { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'cart', namespace: 'shop', uid: 'vs-1' }, spec: { hosts: ['cart'] } },
      }),
    });
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({
      type: 'Warning',
      reason: 'ValidationDenied',
      object: { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', name: 'cart', namespace: 'shop', uid: 'vs-1' },
    });
  });
});

describe('build information and the plaintext metrics listener', () => {
  it('meshgate_build_info names the version and the Node.js release', async () => {
    const m = createMetrics(new Registry(), { version: '9.9.9', node: 'v24.0.0' });
    expect(await m.registry.metrics()).toContain('meshgate_build_info{version="9.9.9",node="v24.0.0"} 1');
  });

  it('a metrics port in use fails with the setting named', async () => {
    const m = createMetrics(new Registry(), { version: '1.0.0', node: 'v20' });
    const first = await listenMetrics('127.0.0.1', 0, m.registry, pino({ level: 'silent' }));
    try {
      const port = Number(new URL(first.url).port);
      const err = await listenMetrics('127.0.0.1', port, m.registry, pino({ level: 'silent' })).catch((e: unknown) => e);
      expect(describeSystemError(err)).toBe(
        `127.0.0.1:${port} is already in use (is another meshgate or \`npm start\` running?): stop that process, or listen elsewhere with --metrics-listen HOST:PORT`,
      );
    } finally {
      await first.close();
    }
  });

  it('--metrics-listen serves GET /metrics in plain HTTP, and nothing else', async () => {
    const m = createMetrics(new Registry(), { version: '1.0.0', node: 'v20' });
    m.servingCert(new Date('2030-01-01T00:00:00Z'));
    const listener = await listenMetrics('127.0.0.1', 0, m.registry, pino({ level: 'silent' }));
    try {
      const ok = await fetch(`${listener.url}/metrics`);
      expect(ok.status).toBe(200);
      const text = await ok.text();
      expect(text).toContain('meshgate_build_info{version="1.0.0"');
      expect(text).toContain('meshgate_cert_not_after_timestamp_seconds 1893456000');
      expect((await fetch(`${listener.url}/inject`, { method: 'POST' })).status).toBe(404);
    } finally {
      await listener.close();
    }
  });
});
