// The Kubernetes API as meshgate uses it: a few typed stores over direct HTTPS calls
// (kube-http.ts; the calls keep @kubernetes/client-node's names and object types, kube-api.ts),
// and a watch of one named object that survives disconnects. Every write that replaces an
// object carries the resourceVersion it was read at, so concurrent writers conflict instead of
// overwriting each other; a conflict is an outcome here, not an exception.
import type { V1ConfigMap, V1Lease, V1MutatingWebhookConfiguration, V1Secret, V1ValidatingWebhookConfiguration } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import {
  admissionApi,
  apiextensionsApi,
  appsApi,
  coordinationApi,
  coreApi,
  customApi,
  watchApi,
  type AdmissionApi,
  type ApiextensionsApi,
  type AppsApi,
  type CoordinationApi,
  type CoreApi,
  type CustomApi,
  type WatchApi,
} from './kube-api.js';
import { connectHttp, type Http } from './kube-http.js';
import { nameOf } from '../../lib/identity.js';

export interface Kube {
  /** The API server's URL. */
  readonly server: string;
  readonly core: CoreApi;
  readonly coordination: CoordinationApi;
  readonly admission: AdmissionApi;
  readonly apps: AppsApi;
  readonly apiextensions: ApiextensionsApi;
  readonly custom: CustomApi;
  readonly watch: WatchApi;
}

/** Default longest wait for one API call (the `apiTimeoutMs` setting). */
export const DEFAULT_API_TIMEOUT_MS = 15_000;

/** The typed calls over one HTTP connection to the API server. */
export function kubeOver(http: Http): Kube {
  return {
    server: http.server,
    core: coreApi(http),
    coordination: coordinationApi(http),
    admission: admissionApi(http),
    apps: appsApi(http),
    apiextensions: apiextensionsApi(http),
    custom: customApi(http),
    watch: watchApi(http),
  };
}

/**
 * Clients from a kubeconfig file, or from the pod's service account when none is given. Every
 * call is aborted after `timeoutMs`: a hung API server or a half-open connection must not stall
 * a loop (the leader's Lease renewal, the certificate and CA bundle resyncs) forever. The
 * caller's retry then runs as it does after any other network error.
 */
export function connect(kubeconfig: string | undefined, timeoutMs = DEFAULT_API_TIMEOUT_MS): Kube {
  return kubeOver(connectHttp(kubeconfig, timeoutMs));
}

/** A Lease time: written as RFC 3339 with microseconds, as the API's MicroTime fields are. */
export function microTime(ms: number): Date {
  const date = new Date(ms);
  return Object.assign(date, { toJSON: (): string => `${date.toISOString().slice(0, -1)}000Z` });
}

/** HTTP status of a failed API call (undefined for network errors). */
export function statusOf(e: unknown): number | undefined {
  const code = (e as { code?: unknown; statusCode?: unknown } | null)?.code ?? (e as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/** The API server's message of a failed call (its Status.message when there is one). */
export function messageOf(e: unknown): string {
  const name = (e as { name?: unknown } | null)?.name;
  if (name === 'AbortError' || name === 'TimeoutError') return 'no answer from the API server in time (the call was abandoned after --api-timeout-ms)';
  const body = (e as { body?: unknown } | null)?.body;
  const parsed = typeof body === 'string' ? safeJson(body) : body;
  const message = (parsed as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : ((e as Error)?.message ?? String(e));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text };
  }
}

export type WriteResult = 'ok' | 'conflict';

async function writeOrConflict(call: () => Promise<unknown>, conflictCodes: readonly number[] = [409]): Promise<WriteResult> {
  try {
    await call();
    return 'ok';
  } catch (e) {
    if (conflictCodes.includes(statusOf(e) ?? 0)) return 'conflict';
    throw e;
  }
}

async function orAbsent<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (e) {
    if (statusOf(e) === 404) return undefined;
    throw e;
  }
}

/**
 * The wait before the next list-and-watch round: after a failed round, or a watch that ended
 * within a second (refused, or the server going away, so it must not spin), 0.5 s doubling to
 * 10 s; after a watch that ran longer, none.
 */
export function nextBackoff(previousMs: number, failed: boolean, ranMs: number): number {
  if (failed) return Math.min(previousMs === 0 ? 500 : previousMs * 2, 10_000);
  return ranMs < 1_000 ? Math.min(Math.max(previousMs * 2, 500), 10_000) : 0;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

export interface RelistCycle {
  /** Names the watched thing in log lines ("Nodes", "ConfigMap istio-system/istio"). */
  readonly what: string;
  readonly log: Logger;
  /** Lists and returns the list's resourceVersion ('' when the answer had none: listed again). */
  list(): Promise<string>;
  /** Watches from `rv`; resolves when the watch ends for any reason. */
  watch(rv: string): Promise<void>;
  stopped(): boolean;
  /** When true, the first list's retries stop (an earlier list already succeeded). */
  listed?(): boolean;
  /** Called after every round, before the backoff. */
  afterRound?(): void;
}

/** Lists once (retrying, 0.5 s doubling to 10 s, until it works or the cycle is stopped), then runs the cycle in the background. */
export async function startRelistCycle(c: RelistCycle): Promise<void> {
  let rv = '';
  for (let attempt = 0; rv === '' && !(c.listed?.() ?? false) && !c.stopped(); attempt++) {
    try {
      rv = await c.list();
    } catch (e) {
      c.log.warn({ err: messageOf(e) }, `cannot list ${c.what}; retrying`);
      await sleep(Math.min(500 * 2 ** attempt, 10_000));
    }
  }
  void runCycle(c, rv);
}

async function runCycle(c: RelistCycle, firstRv: string): Promise<void> {
  let rv = firstRv;
  let backoff = 0;
  while (!c.stopped()) {
    const started = Date.now();
    try {
      if (rv === '') rv = await c.list();
      await c.watch(rv);
      backoff = nextBackoff(backoff, false, Date.now() - started);
    } catch (e) {
      backoff = nextBackoff(backoff, true, 0);
      c.log.warn({ err: messageOf(e), retryMs: backoff }, `cannot list ${c.what}; retrying`);
    }
    rv = '';
    c.afterRound?.();
    if (!c.stopped() && backoff > 0) await sleep(backoff);
  }
}

/** One kind of named object: read, create (conflict when it exists), replace (conflict when changed). */
export interface Store<T> {
  get(name: string): Promise<T | undefined>;
  create(body: T): Promise<WriteResult>;
  replace(body: T): Promise<WriteResult>;
}

export function secretStore(kube: Kube, namespace: string): Store<V1Secret> {
  return {
    get: (name) => orAbsent(() => kube.core.readNamespacedSecret({ name, namespace })),
    create: (body) => writeOrConflict(() => kube.core.createNamespacedSecret({ namespace, body })),
    replace: (body) => writeOrConflict(() => kube.core.replaceNamespacedSecret({ name: nameOf(body), namespace, body })),
  };
}

export interface LeaseStore extends Store<V1Lease> {
  list(labelSelector: string): Promise<V1Lease[]>;
  delete(name: string): Promise<void>;
}

export function leaseStore(kube: Kube, namespace: string): LeaseStore {
  return {
    get: (name) => orAbsent(() => kube.coordination.readNamespacedLease({ name, namespace })),
    // A create can also race with another replica's create of the same name: 409 AlreadyExists.
    create: (body) => writeOrConflict(() => kube.coordination.createNamespacedLease({ namespace, body })),
    replace: (body) => writeOrConflict(() => kube.coordination.replaceNamespacedLease({ name: nameOf(body), namespace, body }), [409, 404]),
    list: async (labelSelector) => (await kube.coordination.listNamespacedLease({ namespace, labelSelector })).items,
    delete: async (name) => {
      await orAbsent(() => kube.coordination.deleteNamespacedLease({ name, namespace }));
    },
  };
}

/** The uid of a Deployment in `namespace`, or undefined when it does not exist. */
export async function deploymentUid(kube: Kube, namespace: string, name: string): Promise<string | undefined> {
  return (await orAbsent(() => kube.apps.readNamespacedDeployment({ name, namespace })))?.metadata?.uid;
}

export function mutatingStore(kube: Kube): Store<V1MutatingWebhookConfiguration> {
  return {
    get: (name) => orAbsent(() => kube.admission.readMutatingWebhookConfiguration({ name })),
    create: (body) => writeOrConflict(() => kube.admission.createMutatingWebhookConfiguration({ body })),
    replace: (body) => writeOrConflict(() => kube.admission.replaceMutatingWebhookConfiguration({ name: nameOf(body), body }), [409, 404]),
  };
}

export function validatingStore(kube: Kube): Store<V1ValidatingWebhookConfiguration> {
  return {
    get: (name) => orAbsent(() => kube.admission.readValidatingWebhookConfiguration({ name })),
    create: (body) => writeOrConflict(() => kube.admission.createValidatingWebhookConfiguration({ body })),
    replace: (body) => writeOrConflict(() => kube.admission.replaceValidatingWebhookConfiguration({ name: nameOf(body), body }), [409, 404]),
  };
}

/** Lists of one named object, for the watch's initial state (RBAC allows list/watch by name). */
export interface NamedSource<T> {
  readonly path: string;
  readonly what: string;
  list(fieldSelector: string): Promise<{ items: T[]; metadata?: { resourceVersion?: string } }>;
}

export const sources = {
  secret: (kube: Kube, namespace: string): NamedSource<V1Secret> => ({
    path: `/api/v1/namespaces/${namespace}/secrets`,
    what: 'Secret',
    list: (fieldSelector) => kube.core.listNamespacedSecret({ namespace, fieldSelector }),
  }),
  configMap: (kube: Kube, namespace: string): NamedSource<V1ConfigMap> => ({
    path: `/api/v1/namespaces/${namespace}/configmaps`,
    what: 'ConfigMap',
    list: (fieldSelector) => kube.core.listNamespacedConfigMap({ namespace, fieldSelector }),
  }),
  mutating: (kube: Kube): NamedSource<V1MutatingWebhookConfiguration> => ({
    path: '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations',
    what: 'MutatingWebhookConfiguration',
    list: (fieldSelector) => kube.admission.listMutatingWebhookConfiguration({ fieldSelector }),
  }),
  validating: (kube: Kube): NamedSource<V1ValidatingWebhookConfiguration> => ({
    path: '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations',
    what: 'ValidatingWebhookConfiguration',
    list: (fieldSelector) => kube.admission.listValidatingWebhookConfiguration({ fieldSelector }),
  }),
};

export interface NamedWatch {
  /** Lists, then watches until stop(); reconnects with backoff. Resolves after the first list. */
  start(): Promise<void>;
  stop(): void;
}

export interface NamedWatchOptions<T> {
  readonly kube: Kube;
  readonly source: NamedSource<T>;
  readonly name: string;
  /** Called with the object on every change, and undefined when it does not exist. */
  readonly onChange: (obj: T | undefined) => void;
  readonly log: Logger;
  /** The server ends each watch after this long; the watch then lists again (default 240 s). */
  readonly relistSeconds?: number;
  /** A watch still open this long after relistSeconds is taken as hung and restarted (default 30 s). */
  readonly graceSeconds?: number;
}

type Meta = { metadata?: { resourceVersion?: string } };

/** A watch of the object `name`, delivering its state after every list and every event. */
export function watchNamed<T extends Meta>(opts: NamedWatchOptions<T>): NamedWatch {
  const fieldSelector = `metadata.name=${opts.name}`;
  const log = opts.log.child({ watch: `${opts.source.what}/${opts.name}` });
  let stopped = false;
  let abort: AbortController | undefined;
  let last: string | undefined;
  const deliver = (obj: T | undefined): void => {
    const key = obj === undefined ? '' : (obj.metadata?.resourceVersion ?? '?');
    if (key === last) return;
    last = key;
    opts.onChange(obj);
  };
  const relistSeconds = opts.relistSeconds ?? 240;
  const watchOnce = (resourceVersion: string): Promise<void> =>
    new Promise((resolve) => {
      const params = { fieldSelector, resourceVersion, allowWatchBookmarks: true, timeoutSeconds: relistSeconds };
      // This call's own controller and state: a watch given up on must neither deliver events
      // nor have its controller mistaken for a later watch's.
      let mine: AbortController | undefined;
      let finished = false;
      const finish = (): void => {
        if (finished) return;
        finished = true;
        clearTimeout(stalled);
        mine?.abort();
        if (abort === mine) abort = undefined;
        resolve();
      };
      const onEvent = (type: string, obj: T): void => {
        if (finished) return;
        if (type === 'ADDED' || type === 'MODIFIED') deliver(obj);
        else if (type === 'DELETED') deliver(undefined);
        else if (type === 'ERROR') finish();
      };
      // The server ends every watch after timeoutSeconds; one still open well after that is
      // hung (a half-open connection, or a request never answered): give up on it and list
      // again. A request still waiting for its response headers is aborted when they arrive.
      const stalled = setTimeout(
        () => {
          log.warn({ afterSeconds: relistSeconds + (opts.graceSeconds ?? 30) }, `watch of ${opts.source.what} ${opts.name} outlived its timeout; restarting it`);
          finish();
        },
        (relistSeconds + (opts.graceSeconds ?? 30)) * 1000,
      );
      stalled.unref();
      const done = (err: unknown): void => {
        if (!finished && err && !stopped && statusOf(err) !== undefined) log.warn({ err: messageOf(err), status: statusOf(err) }, `cannot watch ${opts.source.what} ${opts.name}`);
        else if (!finished && err && !stopped) log.debug({ err: messageOf(err) }, 'watch ended');
        finish();
      };
      opts.kube.watch.watch(opts.source.path, params, onEvent, done).then((c) => {
        mine = c;
        if (finished || stopped) {
          c.abort();
          return;
        }
        abort = c;
      }, done);
    });
  const listOnce = async (): Promise<string> => {
    const list = await opts.source.list(fieldSelector);
    deliver(list.items[0]);
    return list.metadata?.resourceVersion ?? '';
  };
  return {
    start: () => {
      stopped = false;
      return startRelistCycle({ what: `${opts.source.what} ${opts.name}`, log, list: listOnce, watch: watchOnce, stopped: () => stopped });
    },
    stop: () => {
      stopped = true;
      abort?.abort();
    },
  };
}
