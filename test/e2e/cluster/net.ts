// Loopback ports and readiness polling over HTTPS.
import { request } from 'node:https';
import { createServer } from 'node:net';

/** A port that was free on 127.0.0.1 a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export interface TlsClient {
  readonly ca: string;
  readonly cert?: string;
  readonly key?: string;
}

export interface HttpsResult {
  readonly status: number;
  readonly body: string;
}

/** GET over HTTPS with the given trust and client certificate; rejects on transport errors. */
export function httpsGet(url: string, tls: TlsClient, timeoutMs = 5_000): Promise<HttpsResult> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', ca: tls.ca, cert: tls.cert, key: tls.key, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs}ms`)));
    req.on('error', reject);
    req.end();
  });
}

export interface WaitOptions {
  readonly what: string;
  readonly timeoutMs: number;
  readonly intervalMs?: number;
  /** Checked on every round: a dead process fails the wait at once with its reason. */
  readonly abortIf?: () => string | undefined;
}

/** Polls check() until it returns true; the error names what was awaited and the last failure. */
export async function waitFor(check: () => Promise<boolean>, opts: WaitOptions): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let last = 'not ready';
  for (;;) {
    const aborted = opts.abortIf?.();
    if (aborted) throw new Error(`${opts.what}: ${aborted}`);
    try {
      if (await check()) return;
    } catch (e) {
      last = (e as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`${opts.what}: not ready after ${opts.timeoutMs / 1000}s (last: ${last})`);
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 250));
  }
}

/** Waits until an HTTPS endpoint answers 200. */
export function waitForHttps(url: string, tls: TlsClient, opts: WaitOptions): Promise<void> {
  return waitFor(async () => {
    const res = await httpsGet(url, tls);
    if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${res.body.slice(0, 300)}`);
    return true;
  }, opts);
}
