// The reference: a real kube-apiserver (the e2e suite's, with the shipped CRDs and no webhook)
// asked to create each document with dryRun=All and fieldValidation=Strict, as `kubectl apply
// --dry-run=server` does. Accepted documents come back as the API server would store them.
import { request, Agent } from 'node:https';
import { readFileSync } from 'node:fs';
import type { Cluster } from '../../e2e/cluster/index.js';

export interface ApiVerdict {
  readonly status: 'accepted' | 'rejected' | 'error';
  readonly code: number;
  readonly message: string;
  /** The stored object, when accepted. */
  readonly stored?: Record<string, unknown>;
}

export interface Resource {
  readonly plural: string;
  readonly namespaced: boolean;
}

export interface DryRunClient {
  create(object: Record<string, unknown>, resource: Resource): Promise<ApiVerdict>;
  close(): void;
}

export function dryRunClient(cluster: Cluster): DryRunClient {
  const agent = new Agent({
    keepAlive: true,
    maxSockets: 8,
    ca: readFileSync(cluster.caFile),
    cert: readFileSync(cluster.pki.admin.cert),
    key: readFileSync(cluster.pki.admin.key),
  });
  const create = (object: Record<string, unknown>, resource: Resource): Promise<ApiVerdict> => {
    const apiVersion = String(object['apiVersion']);
    const ns = resource.namespaced ? `/namespaces/${String((object['metadata'] as Record<string, unknown> | undefined)?.['namespace'] ?? 'default')}` : '';
    const url = new URL(`/apis/${apiVersion}${ns}/${resource.plural}?dryRun=All&fieldValidation=Strict`, cluster.server);
    const body = JSON.stringify(object);
    return new Promise((resolve) => {
      const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', accept: 'application/json' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const code = res.statusCode ?? 0;
          let parsed: Record<string, unknown> = {};
          try {
            parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
          } catch {
            parsed = {};
          }
          if (code === 201 || code === 200) return resolve({ status: 'accepted', code, message: '', stored: parsed });
          const message = String(parsed['message'] ?? '');
          resolve({ status: code === 400 || code === 422 ? 'rejected' : 'error', code, message });
        });
      });
      req.on('error', (e) => resolve({ status: 'error', code: 0, message: e.message }));
      req.end(body);
    });
  };
  return { create, close: () => agent.destroy() };
}

/** Runs `fn` over `items` with at most `limit` in flight, keeping order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (t: T, i: number) => Promise<R>, onDone?: (n: number) => void): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
      onDone?.(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
