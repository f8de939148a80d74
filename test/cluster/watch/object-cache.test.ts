// The analysis' informer cache against a fake API server: each kind is listed, then watched
// from the list's resourceVersion; events change the cache; a kind whose CRD is missing (404 in
// every version) is not "complete", so the analysis never reads its absence as the truth. Only
// list and watch requests are made (manifests/rbac.yaml grants no more).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { connect } from '../../../src/cluster/api/kube.js';
import { createObjectCache, type Resource } from '../../../src/cluster/watch/object-cache.js';

interface FakeApi {
  readonly kubeconfig: string;
  readonly requests: string[];
  close(): Promise<void>;
}

const open: FakeApi[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((f) => f.close()));
});

async function fakeApi(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<FakeApi> {
  const requests: string[] = [];
  const streams: ServerResponse[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    if (req.url?.includes('watch=true')) streams.push(res);
    handle(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const dir = mkdtempSync(join(tmpdir(), 'meshgate-cache-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'current-context: fake',
      `clusters: [{name: fake, cluster: {server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]`,
      'users: [{name: fake, user: {token: t}}]',
      'contexts: [{name: fake, context: {cluster: fake, user: fake}}]',
      '',
    ].join('\n'),
  );
  const api: FakeApi = {
    kubeconfig,
    requests,
    close: async () => {
      for (const s of streams) s.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  open.push(api);
  return api;
}

const json = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};
const event = (type: string, object: unknown): string => `${JSON.stringify({ type, object })}\n`;
const svc = (name: string, rv: string): Record<string, unknown> => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'shop', resourceVersion: rv },
  spec: { ports: [{ port: 80 }] },
});

const RESOURCES: Resource[] = [
  { group: '', versions: ['v1'], plural: 'services', kind: 'Service' },
  { group: 'networking.istio.io', versions: ['v1', 'v1beta1'], plural: 'virtualservices', kind: 'VirtualService' },
  { group: 'gateway.networking.k8s.io', versions: ['v1'], plural: 'listenersets', kind: 'ListenerSet' },
];

async function until(check: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

describe('the analysis object cache', () => {
  it('lists, follows watch events, and marks only the kinds it could list as complete', async () => {
    const api = await fakeApi((req, res) => {
      const url = req.url ?? '';
      if (url.startsWith('/api/v1/services') && url.includes('watch=true')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write(event('ADDED', svc('checkout', '11')));
        res.write(event('DELETED', svc('cart', '12')));
        return;
      }
      if (url.startsWith('/api/v1/services')) return json(res, 200, { kind: 'ServiceList', apiVersion: 'v1', metadata: { resourceVersion: '10' }, items: [svc('cart', '9')] });
      if (url.startsWith('/apis/networking.istio.io/v1/virtualservices') && url.includes('watch=true')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return;
      }
      if (url.startsWith('/apis/networking.istio.io/v1/virtualservices')) {
        return json(res, 200, {
          kind: 'VirtualServiceList',
          apiVersion: 'networking.istio.io/v1',
          metadata: { resourceVersion: '20' },
          items: [{ metadata: { name: 'cart', namespace: 'shop', resourceVersion: '19' }, spec: { hosts: ['cart'] } }],
        });
      }
      return json(res, 404, { kind: 'Status', code: 404, message: 'the server could not find the requested resource' });
    });
    const cache = createObjectCache({ kube: connect(api.kubeconfig, 2_000), log: pino({ level: 'silent' }), resources: RESOURCES, absentRetryMs: 60_000 });
    cache.start();
    await until(
      () => cache.snapshot().objects.some((o) => o.metadata?.name === 'checkout') && !cache.snapshot().objects.some((o) => o.kind === 'Service' && o.metadata?.name === 'cart'),
    );
    const snap = cache.snapshot();
    cache.stop();
    expect(snap.objects.map((o) => `${o.apiVersion} ${o.kind} ${o.metadata?.namespace}/${o.metadata?.name}`).sort()).toEqual([
      'networking.istio.io/v1 VirtualService shop/cart',
      'v1 Service shop/checkout',
    ]);
    expect([...snap.complete].sort()).toEqual(['/Service', 'networking.istio.io/VirtualService']);
    expect(cache.generation()).toBeGreaterThan(0);
    expect(api.requests.every((r) => r.startsWith('GET '))).toBe(true);
    expect(api.requests.some((r) => r.startsWith('GET /api/v1/services?') && r.includes('watch=true') && r.includes('resourceVersion=10'))).toBe(true);
    expect(api.requests.some((r) => r.startsWith('GET /apis/gateway.networking.k8s.io/v1/listenersets'))).toBe(true);
  });

  it('tries the older versions of a kind before taking it as absent', async () => {
    const api = await fakeApi((req, res) => {
      const url = req.url ?? '';
      if (url.startsWith('/apis/networking.istio.io/v1beta1/virtualservices') && url.includes('watch=true')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return;
      }
      if (url.startsWith('/apis/networking.istio.io/v1beta1/virtualservices'))
        return json(res, 200, { metadata: { resourceVersion: '3' }, items: [{ metadata: { name: 'old', namespace: 'ns' } }] });
      return json(res, 404, { kind: 'Status', code: 404 });
    });
    const cache = createObjectCache({ kube: connect(api.kubeconfig, 2_000), log: pino({ level: 'silent' }), resources: RESOURCES.slice(1, 2) });
    cache.start();
    await until(() => cache.snapshot().objects.length > 0);
    const snap = cache.snapshot();
    cache.stop();
    expect(snap.objects.map((o) => `${o.apiVersion} ${o.metadata?.name}`)).toEqual(['networking.istio.io/v1beta1 old']);
  });
});
