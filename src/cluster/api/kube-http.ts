// The Kubernetes API over plain HTTPS (node:https): where the API server is and how to
// authenticate, from a kubeconfig file or from the pod's service account, and JSON requests and
// watch streams on top. It replaces @kubernetes/client-node for the few calls cluster mode makes
// (kube.ts and kube-api.ts build the typed calls); see kube-auth.ts for the credentials.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type ClientRequest } from 'node:http';
import { Agent, request as httpsRequest, type RequestOptions } from 'node:https';
import { loadAccess, type ClusterAccess } from './kube-auth.js';

export type { ClusterAccess } from './kube-auth.js';

/** A failed API call: `code` is the HTTP status, `body` the API server's answer (a Status, as text). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: number,
    readonly body: string,
    method: string,
    path: string,
  ) {
    super(`${method} ${path}: HTTP ${code}${statusMessage(body)}`);
  }
}

function statusMessage(body: string): string {
  try {
    const message = (JSON.parse(body) as { message?: unknown }).message;
    return typeof message === 'string' ? `: ${message}` : '';
  } catch {
    return '';
  }
}

export type Query = Readonly<Record<string, string | number | boolean | undefined>>;

export interface CallOptions {
  readonly query?: Query;
  readonly body?: unknown;
  /** The body's media type (default application/json; a PATCH names its patch type). */
  readonly contentType?: string;
}

export interface Http {
  readonly server: string;
  /** One JSON request; rejects with ApiError on an HTTP error, and after timeoutMs without an answer. */
  call<T>(method: string, path: string, opts?: CallOptions): Promise<T>;
  /**
   * A streaming GET (a watch): `onLine` gets each newline-delimited JSON document, `done` is
   * called once, when the stream ends or fails (with the error) or is aborted.
   */
  stream(path: string, query: Query, onLine: (line: unknown) => void, done: (err: unknown) => void): Promise<AbortController>;
}

/** Query string of the set parameters, in the order given. */
export function queryString(query: Query | undefined): string {
  const parts = Object.entries(query ?? {}).filter((e): e is [string, string | number | boolean] => e[1] !== undefined && e[1] !== '');
  return parts.length === 0 ? '' : `?${parts.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&')}`;
}

function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
  });
}

function abortError(signal: AbortSignal): Error {
  const reason = signal.reason as unknown;
  return reason instanceof Error ? reason : Object.assign(new Error('aborted'), { name: 'AbortError' });
}

export function createHttp(access: ClusterAccess, timeoutMs: number): Http {
  const base = new URL(access.server);
  const prefix = base.pathname.replace(/\/+$/, '');
  // Plain http:// only for API servers the kubeconfig puts there (a local proxy, a test double).
  const plain = base.protocol === 'http:';
  const agent = plain ? new HttpAgent({ keepAlive: true }) : new Agent({ keepAlive: true, ...access.tls });
  const request = (opts: RequestOptions, onResponse: (res: IncomingMessage) => void): ClientRequest => (plain ? httpRequest(opts, onResponse) : httpsRequest(opts, onResponse));
  const options = async (method: string, path: string, query: Query | undefined, signal: AbortSignal): Promise<RequestOptions> => {
    const token = await access.token();
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'meshgate' };
    if (token) headers['authorization'] = `Bearer ${token}`;
    return {
      method,
      protocol: base.protocol,
      hostname: base.hostname.replace(/^\[|\]$/g, ''),
      port: base.port || (plain ? 80 : 443),
      path: `${prefix}${path}${queryString(query)}`,
      agent,
      headers,
      signal,
    };
  };
  const call = async <T>(method: string, path: string, opts: CallOptions = {}): Promise<T> => {
    const signal = AbortSignal.timeout(timeoutMs);
    const req = await options(method, path, opts.query, signal);
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    if (payload !== undefined) Object.assign(req.headers ?? {}, { 'content-type': opts.contentType ?? 'application/json', 'content-length': String(Buffer.byteLength(payload)) });
    return new Promise<T>((resolve, reject) => {
      const r = request(req, (res) => {
        readBody(res).then(
          (text) => {
            const status = res.statusCode ?? 0;
            if (status >= 400) reject(new ApiError(status, text, method, path));
            else resolve((text === '' ? {} : JSON.parse(text)) as T);
          },
          (e: unknown) => reject(signal.aborted ? abortError(signal) : e),
        );
      });
      r.on('error', (e) => reject(signal.aborted ? abortError(signal) : e));
      r.end(payload);
    });
  };
  const stream = async (path: string, query: Query, onLine: (line: unknown) => void, done: (err: unknown) => void): Promise<AbortController> => {
    const controller = new AbortController();
    let finished = false;
    const finish = (err: unknown): void => {
      if (finished) return;
      finished = true;
      done(err);
    };
    const req = request(await options('GET', path, query, controller.signal), (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 400) {
        readBody(res).then((text) => finish(new ApiError(status, text, 'GET', path)), finish);
        return;
      }
      let pending = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        pending += chunk;
        for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
          const line = pending.slice(0, nl).trim();
          pending = pending.slice(nl + 1);
          if (line === '') continue;
          try {
            onLine(JSON.parse(line));
          } catch (e) {
            finish(e);
            controller.abort();
            return;
          }
        }
      });
      res.on('end', () => finish(null));
      res.on('error', finish);
      res.on('close', () => finish(null));
    });
    req.on('error', (e) => finish(controller.signal.aborted ? null : e));
    req.end();
    return controller;
  };
  return { server: access.server, call, stream };
}

/** The API server's address and credentials: a kubeconfig file, or the pod's service account. */
export function connectHttp(kubeconfig: string | undefined, timeoutMs: number): Http {
  return createHttp(loadAccess(kubeconfig), timeoutMs);
}
