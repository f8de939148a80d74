// The direct HTTPS client cluster mode uses: credentials from a kubeconfig (token, token file,
// client certificate, exec plugin) and from a pod's service account; failed calls carry the
// HTTP status and the API server's Status; writes name meshgate as their field manager; a watch
// delivers each event of the stream and ends once. The "API server" is a local HTTP server.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inClusterAccess, kubeconfigAccess } from '../../../src/cluster/api/kube-auth.js';
import { ApiError, queryString } from '../../../src/cluster/api/kube-http.js';
import { connect, messageOf, microTime, statusOf } from '../../../src/cluster/api/kube.js';

let dir = '';
let server: Server;
let base = '';
const seen: { method: string; url: string; auth: string; body: string }[] = [];

function handle(req: IncomingMessage, res: ServerResponse, body: string): void {
  seen.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization ?? '', body });
  const url = req.url ?? '';
  if (url.startsWith('/api/v1/namespaces/mesh/secrets/missing')) {
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Status', code: 404, message: 'secrets "missing" not found' }));
  } else if (url.includes('watch=true')) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write(`${JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'a', resourceVersion: '1' } } })}\n{"type":"MODIFIED","obj`);
    setTimeout(() => res.end(`ect":{"metadata":{"name":"a","resourceVersion":"2"}}}\n`), 20);
  } else {
    res.writeHead(200, { 'content-type': 'application/json' }).end(body === '' ? JSON.stringify({ metadata: { name: 'x' } }) : body);
  }
}

function kubeconfig(name: string, user: object): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'c',
      clusters: [{ name: 'k', cluster: { server: base } }],
      users: [{ name: 'u', user }],
      contexts: [{ name: 'c', context: { cluster: 'k', user: 'u' } }],
    }),
  );
  return file;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'meshgate-kube-http-'));
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe('credentials', () => {
  it("sends a kubeconfig token, a token file and an exec plugin's token as a bearer token", async () => {
    writeFileSync(join(dir, 'token'), 'from-file\n');
    const plugin = join(dir, 'plugin.mjs');
    writeFileSync(
      plugin,
      `process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: 'from-exec:' + JSON.parse(process.env.KUBERNETES_EXEC_INFO).kind, expirationTimestamp: new Date(Date.now() + 3600e3).toISOString() } }));`,
    );
    const users = {
      token: { token: 'inline' },
      tokenFile: { tokenFile: 'token' },
      exec: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: process.execPath, args: [plugin] } },
    };
    const auths: string[] = [];
    for (const [name, user] of Object.entries(users)) {
      const kube = connect(kubeconfig(`${name}.kubeconfig`, user), 5_000);
      await kube.core.readNamespacedSecret({ name: 'x', namespace: 'mesh' });
      auths.push(seen[seen.length - 1]?.auth ?? '');
    }
    expect(auths).toEqual(['Bearer inline', 'Bearer from-file', 'Bearer from-exec:ExecCredential']);
  });

  it('reads client certificates from -data fields and honours insecure-skip-tls-verify', () => {
    const file = join(dir, 'certs.kubeconfig');
    writeFileSync(
      file,
      JSON.stringify({
        'current-context': 'c',
        clusters: [
          {
            name: 'k',
            cluster: {
              server: 'https://10.0.0.1:6443',
              'certificate-authority-data': Buffer.from('CA').toString('base64'),
              'insecure-skip-tls-verify': true,
              'tls-server-name': 'kubernetes',
            },
          },
        ],
        users: [{ name: 'u', user: { 'client-certificate-data': Buffer.from('CERT').toString('base64'), 'client-key-data': Buffer.from('KEY').toString('base64') } }],
        contexts: [{ name: 'c', context: { cluster: 'k', user: 'u' } }],
      }),
    );
    const access = kubeconfigAccess(file);
    expect([access.tls.ca?.toString(), access.tls.cert?.toString(), access.tls.key?.toString(), access.tls.rejectUnauthorized, access.tls.servername]).toEqual([
      'CA',
      'CERT',
      'KEY',
      false,
      'kubernetes',
    ]);
  });

  it('names what a kubeconfig lacks, and what a pod lacks outside a cluster', () => {
    const file = join(dir, 'empty.kubeconfig');
    writeFileSync(file, 'apiVersion: v1\nkind: Config\n');
    expect(() => kubeconfigAccess(file)).toThrow(`${file} names no current context`);
    expect(() => inClusterAccess({})).toThrow(/KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set/);
  });

  it('uses the service account token and CA, and an IPv6 API server address in brackets', async () => {
    writeFileSync(join(dir, 'ca.crt'), 'CA');
    writeFileSync(join(dir, 'token'), 'sa-token');
    const access = inClusterAccess({ KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' }, dir);
    expect(access.server).toBe('https://[fd00::1]:443');
    expect(await access.token()).toBe('sa-token');
  });
});

describe('calls', () => {
  it("turns an HTTP error into the status and the API server's message", async () => {
    const kube = connect(kubeconfig('plain.kubeconfig', { token: 't' }), 5_000);
    const err = await kube.core.readNamespacedSecret({ name: 'missing', namespace: 'mesh' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ApiError);
    expect(statusOf(err)).toBe(404);
    expect(messageOf(err)).toBe('secrets "missing" not found');
  });

  it('writes with fieldManager=meshgate and the body as JSON; Lease times carry microseconds', async () => {
    const kube = connect(kubeconfig('plain.kubeconfig', { token: 't' }), 5_000);
    await kube.coordination.createNamespacedLease({ namespace: 'mesh', body: { metadata: { name: 'l' }, spec: { renewTime: microTime(Date.UTC(2030, 0, 1)) } } });
    const last = seen[seen.length - 1];
    expect(last?.method).toBe('POST');
    expect(last?.url).toBe('/apis/coordination.k8s.io/v1/namespaces/mesh/leases?fieldManager=meshgate');
    expect(JSON.parse(last?.body ?? '{}')).toEqual({ metadata: { name: 'l' }, spec: { renewTime: '2030-01-01T00:00:00.000000Z' } });
    expect(queryString({ fieldSelector: 'metadata.name=a', labelSelector: undefined, watch: true })).toBe('?fieldSelector=metadata.name%3Da&watch=true');
  });

  it('delivers each watch event, even one split across chunks, and ends once', async () => {
    const kube = connect(kubeconfig('plain.kubeconfig', { token: 't' }), 5_000);
    const events: string[] = [];
    let ends = 0;
    await new Promise<void>((resolve) => {
      void kube.watch.watch<{ metadata: { resourceVersion: string } }>(
        '/api/v1/namespaces/mesh/secrets',
        { fieldSelector: 'metadata.name=a' },
        (type, obj) => events.push(`${type} ${obj.metadata.resourceVersion}`),
        () => {
          ends++;
          resolve();
        },
      );
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(events).toEqual(['ADDED 1', 'MODIFIED 2']);
    expect(ends).toBe(1);
    expect(seen[seen.length - 1]?.url).toBe('/api/v1/namespaces/mesh/secrets?fieldSelector=metadata.name%3Da&watch=true');
  });
});
