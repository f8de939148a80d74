// The API clients meshgate builds give up on a hung API server: a call that gets no answer is
// abandoned after the configured timeout, and a watch still open long after the server should
// have ended it is restarted. The "API server" here is a local HTTP server that never answers.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, messageOf, sources, watchNamed } from '../../../src/cluster/api/kube.js';

interface FakeApi {
  readonly kubeconfig: string;
  readonly requests: string[];
  close(): Promise<void>;
}

const open: FakeApi[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((f) => f.close()));
});

/** An API server whose `handle` decides, per request, to answer or to hang (return false). */
async function fakeApi(handle: (req: IncomingMessage, res: ServerResponse) => boolean): Promise<FakeApi> {
  const requests: string[] = [];
  const hung: ServerResponse[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    if (!handle(req, res)) hung.push(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const dir = mkdtempSync(join(tmpdir(), 'meshgate-kube-'));
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
      for (const res of hung) res.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  open.push(api);
  return api;
}

const silent = pino({ level: 'silent' });

describe('connect', () => {
  it('abandons a call the API server never answers after the timeout, with a message that says so', async () => {
    const api = await fakeApi(() => false);
    const kube = connect(api.kubeconfig, 300);
    const started = Date.now();
    const error = await kube.core.readNamespacedSecret({ name: 'meshgate-certs', namespace: 'meshgate-system' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    const took = Date.now() - started;
    expect(error).toBeDefined();
    expect(messageOf(error)).toBe('no answer from the API server in time (the call was abandoned after --api-timeout-ms)');
    expect(took).toBeGreaterThanOrEqual(250);
    expect(took).toBeLessThan(5_000);
    expect(api.requests).toEqual(['GET /api/v1/namespaces/meshgate-system/secrets/meshgate-certs']);
  });

  it('still returns what a prompt API server answers', async () => {
    const api = await fakeApi((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'meshgate-certs', namespace: 'meshgate-system', resourceVersion: '7' }, data: { a: 'Yg==' } }));
      return true;
    });
    const secret = await connect(api.kubeconfig, 300).core.readNamespacedSecret({ name: 'meshgate-certs', namespace: 'meshgate-system' });
    expect(secret.metadata?.resourceVersion).toBe('7');
    expect(secret.data).toEqual({ a: 'Yg==' });
  });
});

describe('watchNamed', () => {
  it('restarts a watch that stays open past the server-side timeout, listing again', async () => {
    const api = await fakeApi((req, res) => {
      if (req.url?.includes('watch=true')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.flushHeaders();
        return false; // headers sent, then silence: a half-open watch
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMapList', metadata: { resourceVersion: '5' }, items: [] }));
      return true;
    });
    const kube = connect(api.kubeconfig, 1_000);
    const seen: unknown[] = [];
    const watch = watchNamed({
      kube,
      source: sources.configMap(kube, 'meshgate-system'),
      name: 'istio',
      onChange: (o) => seen.push(o),
      log: silent,
      relistSeconds: 1,
      graceSeconds: 1,
    });
    await watch.start();
    const lists = (): number => api.requests.filter((r) => r.startsWith('GET') && !r.includes('watch=true')).length;
    const deadline = Date.now() + 8_000;
    while (lists() < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    watch.stop();
    expect(lists()).toBeGreaterThanOrEqual(2);
    expect(api.requests.filter((r) => r.includes('watch=true')).length).toBeGreaterThanOrEqual(1);
    expect(seen).toEqual([undefined]);
  });

  it('ignores a watch given up on while its response was pending, and leaves no watch open after stop()', async () => {
    let watches = 0;
    const open = new Set<ServerResponse>();
    const event = (rv: string): string =>
      `${JSON.stringify({ type: 'ADDED', object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: 'meshgate-system', resourceVersion: rv } } })}\n`;
    const api = await fakeApi((req, res) => {
      if (!req.url?.includes('watch=true')) {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMapList', metadata: { resourceVersion: '5' }, items: [] }));
        return true;
      }
      const n = ++watches;
      open.add(res);
      res.on('close', () => open.delete(res));
      // The first watch answers only long after it was given up on, with an older object.
      setTimeout(
        () => {
          if (res.destroyed) return;
          res.writeHead(200, { 'content-type': 'application/json' });
          res.write(event(n === 1 ? 'stale-1' : `fresh-${n}`));
        },
        n === 1 ? 3_500 : 0,
      );
      return false;
    });
    const kube = connect(api.kubeconfig, 1_000);
    const seen: string[] = [];
    const watch = watchNamed<{ metadata?: { resourceVersion?: string } }>({
      kube,
      source: sources.configMap(kube, 'meshgate-system') as never,
      name: 'istio',
      log: silent,
      relistSeconds: 1,
      graceSeconds: 1,
      onChange: (o) => seen.push(o?.metadata?.resourceVersion ?? 'none'),
    });
    await watch.start();
    await new Promise((r) => setTimeout(r, 5_000));
    watch.stop();
    await new Promise((r) => setTimeout(r, 500));
    expect(watches).toBeGreaterThanOrEqual(2);
    expect(seen).not.toContain('stale-1');
    expect(seen.some((rv) => rv.startsWith('fresh-'))).toBe(true);
    expect(open.size).toBe(0);
  }, 20_000);
});
