// Faults while under load, against a real `meshgate serve` process: SIGTERM, certificate
// files replaced, configuration replaced with garbage, expensive requests, slow clients.
// Each test counts failures and asserts there are none where none are promised.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeCerts } from '../../src/certs/files.js';
import { https, postJSON, startServer, ROOT, type ServerProcess } from '../helpers/server-process.js';

const POD_REVIEW = JSON.parse(readFileSync(join(ROOT, 'examples', 'admissionreview-pod.json'), 'utf8')) as Record<string, any>;

const servers: ServerProcess[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop();
});

async function start(args: string[] = []): Promise<ServerProcess> {
  const s = await startServer(args);
  servers.push(s);
  return s;
}

interface Tally {
  ok: number;
  failed: string[];
}

/** Posts the sample Pod review in a loop from `workers` concurrent clients until `until()` says stop. */
async function load(port: number, workers: number, until: () => boolean, tally: Tally, check?: (body: any) => string | undefined): Promise<void> {
  const worker = async (): Promise<void> => {
    while (!until()) {
      try {
        const r = await postJSON(port, '/inject', POD_REVIEW);
        const body = JSON.parse(r.body);
        const problem = r.status !== 200 ? `HTTP ${r.status}` : body.response?.uid !== POD_REVIEW['request'].uid ? 'uid not echoed' : check?.(body);
        if (problem) tally.failed.push(problem);
        else tally.ok++;
      } catch (e) {
        tally.failed.push((e as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('SIGTERM during load', () => {
  it('completes in-flight requests, refuses new connections only after readiness went false, exits 0', async () => {
    const s = await start(['--shutdown-delay-ms', '1500', '--shutdown-grace-ms', '10000']);
    const events: { at: number; what: string }[] = [];
    let stopLoad = false;
    const tally: Tally = { ok: 0, failed: [] };
    // A request whose body trickles in across the shutdown: it must still be answered.
    const body = JSON.stringify(POD_REVIEW);
    const slow = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const sock: TLSSocket = tlsConnect({ host: '127.0.0.1', port: s.port, rejectUnauthorized: false }, () => {
        sock.write(`POST /inject HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`);
        sock.write(body.slice(0, 100));
        setTimeout(() => sock.end(body.slice(100)), 2500);
      });
      let text = '';
      sock.on('data', (c: Buffer) => (text += c.toString()));
      sock.on('end', () => resolve({ status: Number(text.split(' ')[1]), body: text.slice(text.indexOf('\r\n\r\n') + 4) }));
      sock.on('error', reject);
    });
    const loadDone = load(s.port, 4, () => stopLoad, tally);
    const watchReady = (async () => {
      while (!stopLoad) {
        try {
          const r = await https(s.port, { path: '/readyz' });
          if (r.status === 503 && !events.some((e) => e.what === 'not-ready')) events.push({ at: Date.now(), what: 'not-ready' });
        } catch (e) {
          if (/ECONNREFUSED/.test((e as Error).message) && !events.some((x) => x.what === 'refused')) events.push({ at: Date.now(), what: 'refused' });
        }
        await sleep(50);
      }
    })();
    await sleep(700);
    s.child.kill('SIGTERM');
    const exit = await s.exited();
    stopLoad = true;
    await Promise.all([loadDone, watchReady]);
    const slowResult = await slow;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(slowResult.status).toBe(200);
    expect(JSON.parse(slowResult.body).response.uid).toBe(POD_REVIEW['request'].uid);
    const notReady = events.find((e) => e.what === 'not-ready');
    expect(notReady).toBeDefined();
    const refused = events.find((e) => e.what === 'refused');
    if (refused) expect(refused.at).toBeGreaterThan(notReady?.at ?? Number.POSITIVE_INFINITY);
    // Requests on the load generator's connections end either answered, or refused/reset
    // only after the listener closed (a connection reset during its TLS handshake reads
    // "socket disconnected before secure TLS connection"); none is answered wrongly.
    expect(tally.ok).toBeGreaterThan(10);
    expect(tally.failed.filter((f) => !/ECONNREFUSED|ECONNRESET|socket hang up|EPIPE|socket disconnected before secure TLS connection/.test(f))).toEqual([]);
    expect(s.output()).toContain('shutting down');
  }, 30_000);
});

describe('certificate files replaced during load', () => {
  it('causes no TLS failure and the new certificate is served', async () => {
    const s = await start();
    let stop = false;
    const tally: Tally = { ok: 0, failed: [] };
    const loadDone = load(s.port, 4, () => stop, tally);
    for (let i = 0; i < 5; i++) {
      await sleep(300);
      await writeCerts(s.dir, { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], reuseCA: true });
    }
    await sleep(1500);
    stop = true;
    await loadDone;
    expect(tally.failed).toEqual([]);
    expect(tally.ok).toBeGreaterThan(20);
    const wanted = new (await import('node:crypto')).X509Certificate(readFileSync(join(s.dir, 'tls.crt'))).serialNumber;
    const served = await new Promise<string>((resolve, reject) => {
      const sock = tlsConnect({ host: '127.0.0.1', port: s.port, rejectUnauthorized: false }, () => {
        resolve(sock.getPeerCertificate().serialNumber);
        sock.end();
      });
      sock.on('error', reject);
    });
    expect(served.toUpperCase()).toBe(wanted.toUpperCase());
  }, 30_000);
});

describe('configuration replaced with garbage during load', () => {
  it('keeps the last good configuration, reports the error, fails no request', async () => {
    const configDir = mkdtempSync(join(tmpdir(), 'meshgate-values-'));
    const valuesFile = join(configDir, 'values.yaml');
    writeFileSync(valuesFile, 'global:\n  hub: registry.example.com/istio\n  tag: 1.28.1\n');
    const s = await start(['--values', valuesFile]);
    const image = (body: any): string | undefined => {
      const patch = body.response.patch ? Buffer.from(body.response.patch, 'base64').toString() : '';
      return patch.includes('registry.example.com/istio/proxyv2:1.28.1') ? undefined : 'not injected with the configured image';
    };
    let stop = false;
    const tally: Tally = { ok: 0, failed: [] };
    const loadDone = load(s.port, 4, () => stop, tally, image);
    await sleep(500);
    writeFileSync(valuesFile, 'global: [this is: not, {valid');
    await sleep(1500);
    writeFileSync(valuesFile, 'global:\n  proxy:\n    resources: "lots"\n');
    await sleep(1500);
    stop = true;
    await loadDone;
    expect(tally.failed).toEqual([]);
    expect(tally.ok).toBeGreaterThan(20);
    const rejected = s.logs().filter((l) => l['msg'] === 'configuration update rejected; keeping the last good configuration');
    expect(rejected.length).toBeGreaterThanOrEqual(1);
    const metrics = await https(s.port, { path: '/metrics' });
    expect(metrics.body).toContain('meshgate_config_last_reload_success{component="injector-files"} 0');
    expect(metrics.body).toMatch(/meshgate_config_reloads_total\{component="injector-files",result="failure"\} [1-9]/);
    rmSync(configDir, { recursive: true, force: true });
  }, 30_000);
});

describe('expensive requests', () => {
  it('a Pod near the body limit is answered in bounded time while small requests keep flowing', async () => {
    const s = await start();
    const huge = structuredClone(POD_REVIEW);
    const env = Array.from({ length: 60_000 }, (_, i) => ({ name: `VAR_${i}`, value: 'v'.repeat(80) }));
    huge['request'].object.spec.containers[0].env = env;
    const bodyText = JSON.stringify(huge);
    expect(bodyText.length).toBeGreaterThan(5 * 1024 * 1024);
    const t0 = Date.now();
    const bigP = postJSON(s.port, '/inject', bodyText);
    const small: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t = Date.now();
      const r = await postJSON(s.port, '/inject', POD_REVIEW);
      expect(r.status).toBe(200);
      small.push(Date.now() - t);
    }
    const big = await bigP;
    const bigMs = Date.now() - t0;
    expect(big.status).toBe(200);
    expect(JSON.parse(big.body).response.uid).toBe(POD_REVIEW['request'].uid);
    expect(bigMs).toBeLessThan(8000);
    expect(Math.min(...small)).toBeLessThan(1000);
  }, 30_000);

  it('a pathological regular expression is judged in bounded time (RE2 is linear)', async () => {
    const s = await start();
    const vs = JSON.parse(readFileSync(join(ROOT, 'examples', 'admissionreview-virtualservice.json'), 'utf8'));
    vs.request.object.spec.http[0].match = [{ uri: { regex: `^(a+)+${'(b|bb)*'.repeat(200)}$` } }, { uri: { regex: 'x'.repeat(200_000) } }];
    const t = Date.now();
    const r = await postJSON(s.port, '/validate', vs);
    expect(Date.now() - t).toBeLessThan(3000);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).response.allowed).toBe(false);
  }, 30_000);
});

describe('slow and half-open clients', () => {
  it('are timed out without starving others', async () => {
    const s = await start(['--headers-timeout-ms', '1000', '--request-timeout-ms', '2000']);
    const sockets: TLSSocket[] = [];
    const closed: number[] = [];
    const connected: Promise<void>[] = [];
    for (let i = 0; i < 40; i++) {
      const opened = Date.now();
      const sock = tlsConnect({ host: '127.0.0.1', port: s.port, rejectUnauthorized: false });
      connected.push(
        new Promise((resolve) =>
          sock.once('secureConnect', () => {
            sock.write('POST /inject HTTP/1.1\r\nHost: x\r\n');
            resolve();
          }),
        ),
      );
      // Read what the server sends (its 408), so its closing the connection is seen.
      sock.resume();
      sock.on('close', () => closed.push(Date.now() - opened));
      sock.on('error', () => undefined);
      sockets.push(sock);
    }
    await Promise.all(connected);
    // Others are served while 40 connections sit on half-sent headers.
    const t = Date.now();
    for (let i = 0; i < 5; i++) expect((await postJSON(s.port, '/inject', POD_REVIEW)).status).toBe(200);
    expect(Date.now() - t).toBeLessThan(5000);
    // Every stalled connection is cut off by the server: headers timeout 1 s, checked every 250 ms.
    for (let i = 0; i < 150 && closed.length < 40; i++) await sleep(100);
    expect(closed.length).toBe(40);
    expect(Math.max(...closed)).toBeLessThan(12_000);
    sockets.forEach((x) => x.destroy());
  }, 40_000);
});

describe('security of the listener and the logs', () => {
  it('has no plaintext listener: an HTTP request gets no AdmissionReview', async () => {
    const s = await start();
    const { request } = await import('node:http');
    const result = await new Promise<string>((resolve) => {
      const req = request({ host: '127.0.0.1', port: s.port, path: '/inject', method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        let t = '';
        res.on('data', (c) => (t += c));
        res.on('end', () => resolve(`HTTP ${res.statusCode} ${t}`));
      });
      req.on('error', (e) => resolve(`error ${e.message}`));
      req.end(JSON.stringify(POD_REVIEW));
    });
    expect(result).not.toContain('AdmissionReview');
  });

  it('writes no certificate or key material to the logs', async () => {
    const s = await start(['--log-level', 'debug']);
    await postJSON(s.port, '/inject', POD_REVIEW);
    await postJSON(s.port, '/validate', JSON.parse(readFileSync(join(ROOT, 'examples', 'admissionreview-virtualservice-invalid.json'), 'utf8')));
    await writeCerts(s.dir, { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], reuseCA: true });
    await sleep(1500);
    // A key that does not match: the reloader must complain without printing either file.
    const other = await import('node:fs');
    other.copyFileSync(join(s.dir, 'ca.key'), join(s.dir, 'tls.key'));
    await sleep(1500);
    const out = s.output();
    expect(out).toContain('serving certificate reloaded');
    for (const secret of [
      'BEGIN',
      'PRIVATE KEY',
      readFileSync(join(s.dir, 'tls.key'), 'utf8').split(/\r?\n/)[1] ?? 'x',
      readFileSync(join(s.dir, 'tls.crt'), 'utf8').split(/\r?\n/)[1] ?? 'x',
    ]) {
      expect(out).not.toContain(secret);
    }
  }, 30_000);
});
