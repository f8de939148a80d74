// Every replica: follow the CustomResourceDefinitions the cluster serves, so that validation
// uses exactly the schemas and rules the API server uses. The whole list is read, then watched;
// a change is applied after a short quiet period (a CRD upgrade touches many objects at once).
// CRDs that cannot be read keep the previous validator (the bundled one at first).
import { request } from 'node:https';
import type { Logger } from 'pino';
import { messageOf, statusOf, type Kube } from './kube.js';

const PATH = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';

export interface CrdWatchOptions {
  readonly kube: Kube;
  readonly log: Logger;
  /** Builds and installs a validator over these CRDs; throws when they are not usable. */
  readonly apply: (crds: unknown[]) => void;
  readonly onResult: (ok: boolean) => void;
  readonly quietMs?: number;
}

export interface CrdWatch {
  /** Lists once (resolves after the first attempt), then watches until stop(). */
  start(): Promise<void>;
  stop(): void;
}

interface Crd {
  readonly metadata?: { readonly name?: string; readonly resourceVersion?: string };
}

/** GET of a path on the API server, as raw JSON (the typed client renames x-kubernetes-* keys). */
async function getJson(kube: Kube, path: string): Promise<unknown> {
  const server = kube.config.getCurrentCluster()?.server ?? '';
  const opts: Parameters<typeof request>[1] = { method: 'GET', headers: { accept: 'application/json' } };
  await kube.config.applyToHTTPSOptions(opts);
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, server), opts, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if ((res.statusCode ?? 0) >= 300) reject(Object.assign(new Error(`GET ${path}: HTTP ${res.statusCode ?? 0}: ${text.slice(0, 200)}`), { code: res.statusCode }));
        else resolve(JSON.parse(text) as unknown);
      });
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`GET ${path}: timed out`)));
    req.on('error', reject);
    req.end();
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

export function watchCrds(opts: CrdWatchOptions): CrdWatch {
  const log = opts.log.child({ component: 'crd-watch' });
  const crds = new Map<string, Crd>();
  let applied = '';
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let abort: AbortController | undefined;

  const apply = (): void => {
    const key = [...crds.values()].map((c) => `${c.metadata?.name ?? ''}@${c.metadata?.resourceVersion ?? ''}`).sort().join(',');
    if (key === applied) return;
    try {
      opts.apply([...crds.values()]);
      applied = key;
      opts.onResult(true);
      log.info({ crds: crds.size }, 'validating against the cluster\'s CustomResourceDefinitions');
    } catch (e) {
      opts.onResult(false);
      log.error({ err: messageOf(e) }, 'the cluster\'s CustomResourceDefinitions cannot be used; keeping the previous validator');
    }
  };
  const later = (): void => {
    clearTimeout(timer);
    timer = setTimeout(apply, opts.quietMs ?? 500);
    timer.unref();
  };
  const list = async (): Promise<string> => {
    const body = (await getJson(opts.kube, PATH)) as { items?: Crd[]; metadata?: { resourceVersion?: string } };
    crds.clear();
    for (const c of body.items ?? []) crds.set(c.metadata?.name ?? '', c);
    apply();
    return body.metadata?.resourceVersion ?? '';
  };
  const watchFrom = (resourceVersion: string): Promise<void> =>
    new Promise((resolve) => {
      const onEvent = (type: string, obj: Crd): void => {
        const name = obj.metadata?.name ?? '';
        if (type === 'ADDED' || type === 'MODIFIED') crds.set(name, obj);
        else if (type === 'DELETED') crds.delete(name);
        else return;
        later();
      };
      const params = { resourceVersion, allowWatchBookmarks: true, timeoutSeconds: 240 };
      opts.kube.watch.watch(PATH, params, onEvent, () => resolve()).then((c) => (stopped ? c.abort() : (abort = c)), () => resolve());
    });
  const loop = async (first: string | undefined): Promise<void> => {
    let backoff = 0;
    let rv = first;
    while (!stopped) {
      try {
        await watchFrom(rv ?? (await list()));
        rv = undefined;
        backoff = 0;
      } catch (e) {
        rv = undefined;
        backoff = Math.min(backoff === 0 ? 1_000 : backoff * 2, 30_000);
        const forbidden = statusOf(e) === 403;
        log.warn({ err: messageOf(e), retryMs: backoff }, forbidden ? 'not allowed to list CustomResourceDefinitions (RBAC: list/watch customresourcedefinitions); keeping the bundled CRDs' : 'cannot read CustomResourceDefinitions; retrying');
      }
      if (!stopped) await sleep(Math.max(backoff, 1_000));
    }
  };
  return {
    start: async () => {
      stopped = false;
      let rv: string | undefined;
      try {
        rv = await list();
      } catch (e) {
        log.warn({ err: messageOf(e) }, 'cannot read CustomResourceDefinitions yet; using the bundled CRDs');
      }
      void loop(rv);
    },
    stop: () => {
      stopped = true;
      clearTimeout(timer);
      abort?.abort();
    },
  };
}
