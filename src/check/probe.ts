// What a URL endpoint serves, seen as the API server would see it: the certificate chain of the
// TLS handshake (taken without trusting it, so it can be checked against each caBundle) and the
// answer to GET /readyz.
import { X509Certificate } from 'node:crypto';
import { request } from 'node:https';
import { connect, type PeerCertificate } from 'node:tls';
import type { Probe } from './model.js';

const toPem = (raw: Buffer): string => new X509Certificate(raw).toString();

function chainOf(cert: PeerCertificate | undefined): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  let c = cert as (PeerCertificate & { issuerCertificate?: PeerCertificate }) | undefined;
  while (c?.raw && !seen.has(c.fingerprint256)) {
    seen.add(c.fingerprint256);
    out.push(toPem(c.raw));
    c = c.issuerCertificate as typeof c;
  }
  return out;
}

function handshake(url: URL, timeoutMs: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const servername = /^[\d.]+$|:/.test(host) ? undefined : host;
    const socket = connect({ host, port: Number(url.port || 443), rejectUnauthorized: false, ...(servername ? { servername } : {}) }, () => {
      const chain = chainOf(socket.getPeerCertificate(true));
      socket.end();
      resolve(chain);
    });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no TLS handshake within ${timeoutMs} ms`)));
    socket.on('error', reject);
  });
}

function readyz(url: URL, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(new URL('/readyz', url), { rejectUnauthorized: false, timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

const reason = (e: unknown): string => {
  const err = e as NodeJS.ErrnoException;
  return err.code ? `${err.code} ${err.message.replace(`${err.code} `, '')}` : String((e as Error).message ?? e);
};

/** Probes the origin of a webhook URL. */
export async function probeUrl(origin: string, timeoutMs = 5_000): Promise<Probe> {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return { chain: [], error: `"${origin}" is not a URL` };
  }
  let chain: string[];
  try {
    chain = await handshake(url, timeoutMs);
  } catch (e) {
    return { chain: [], error: `connecting to ${url.host}: ${reason(e)}` };
  }
  try {
    return { chain, readyz: await readyz(url, timeoutMs) };
  } catch (e) {
    return { chain, error: `GET /readyz: ${reason(e)}` };
  }
}
