// An informer cache of the kinds `meshgate analyze` reads, cluster-wide: each kind is listed,
// then watched from the list's resourceVersion; a watch that ends or fails lists again (with
// backoff). A kind whose CRD is not installed (404 for every version) is retried slowly and
// counts as absent, so the analysis never takes its absence for the truth. Read-only: list and
// watch, nothing else (manifests/rbac.yaml grants exactly that).
import type { Logger } from 'pino';
import { messageOf, statusOf, type Kube } from '../api/kube.js';
import { keyOf } from '../../lib/identity.js';

/** Where a kind is served: its group, the versions to try in order, its plural resource name. */
export interface Resource {
  readonly group: string;
  readonly versions: readonly string[];
  readonly plural: string;
  readonly kind: string;
}

const ISTIO = ['v1', 'v1beta1', 'v1alpha3'];
const GW = 'gateway.networking.k8s.io';

/** The resources behind src/analyze's ANALYZED_KINDS. */
export const ANALYZED_RESOURCES: readonly Resource[] = [
  { group: '', versions: ['v1'], plural: 'services', kind: 'Service' },
  ...(
    [
      ['VirtualService', 'virtualservices'],
      ['Gateway', 'gateways'],
      ['DestinationRule', 'destinationrules'],
      ['ServiceEntry', 'serviceentries'],
      ['Sidecar', 'sidecars'],
    ] as const
  ).map(([kind, plural]) => ({ group: 'networking.istio.io', versions: ISTIO, plural, kind })),
  { group: GW, versions: ['v1', 'v1beta1'], plural: 'gateways', kind: 'Gateway' },
  { group: GW, versions: ['v1', 'v1beta1'], plural: 'gatewayclasses', kind: 'GatewayClass' },
  { group: GW, versions: ['v1'], plural: 'listenersets', kind: 'ListenerSet' },
  { group: GW, versions: ['v1', 'v1beta1'], plural: 'httproutes', kind: 'HTTPRoute' },
  { group: GW, versions: ['v1'], plural: 'grpcroutes', kind: 'GRPCRoute' },
  { group: GW, versions: ['v1', 'v1alpha3', 'v1alpha2'], plural: 'tlsroutes', kind: 'TLSRoute' },
  { group: GW, versions: ['v1', 'v1alpha2'], plural: 'tcproutes', kind: 'TCPRoute' },
  { group: GW, versions: ['v1', 'v1alpha2'], plural: 'udproutes', kind: 'UDPRoute' },
  { group: GW, versions: ['v1', 'v1beta1'], plural: 'referencegrants', kind: 'ReferenceGrant' },
];

type Obj = Record<string, unknown> & { metadata?: { name?: string; namespace?: string; resourceVersion?: string } };

export interface ObjectCache {
  start(): void;
  stop(): void;
  /** Every cached object, and the kinds (`group/Kind`) listed completely at least once. */
  snapshot(): { readonly objects: readonly Obj[]; readonly complete: ReadonlySet<string> };
  /** Increases on every change; a consumer rebuilds what it derived when it moves. */
  generation(): number;
}

export interface ObjectCacheOptions {
  readonly kube: Kube;
  readonly log: Logger;
  readonly resources?: readonly Resource[];
  /** The server ends each watch after this long (default 240 s); the kind is then listed again. */
  readonly relistSeconds?: number;
  /** Wait before listing a kind again whose CRD is not installed (default 60 s). */
  readonly absentRetryMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

function pathOf(r: Resource, version: string): string {
  return r.group === '' ? `/api/${version}/${r.plural}` : `/apis/${r.group}/${version}/${r.plural}`;
}

interface KindState {
  readonly items: Map<string, Obj>;
  complete: boolean;
  /** The version the kind was listed in (list items carry no apiVersion). */
  version: string;
}

type Listed = { items?: Obj[]; metadata?: { resourceVersion?: string } };

function listCall(kube: Kube, r: Resource, version: string): Promise<Listed> {
  if (r.group === '' && r.plural === 'services') return kube.core.listServiceForAllNamespaces() as unknown as Promise<Listed>;
  return kube.custom.listClusterCustomObject({ group: r.group, version, plural: r.plural }) as Promise<Listed>;
}

export function createObjectCache(opts: ObjectCacheOptions): ObjectCache {
  const resources = opts.resources ?? ANALYZED_RESOURCES;
  const states = new Map(resources.map((r) => [r, { items: new Map<string, Obj>(), complete: false, version: r.versions[0] ?? 'v1' } as KindState]));
  let gen = 0;
  let stopped = true;
  const aborts = new Set<AbortController>();
  const changed = (): void => {
    gen++;
  };

  /** Lists a kind in the first version the API server serves; undefined when none is. */
  const list = async (r: Resource): Promise<{ version: string; rv: string; items: Obj[] } | undefined> => {
    for (const version of r.versions) {
      try {
        const body = await listCall(opts.kube, r, version);
        return { version, rv: body.metadata?.resourceVersion ?? '', items: body.items ?? [] };
      } catch (e) {
        if (statusOf(e) !== 404) throw e;
      }
    }
    return undefined;
  };

  const watchOnce = (r: Resource, version: string, rv: string, state: KindState): Promise<void> =>
    new Promise((resolve) => {
      let controller: AbortController | undefined;
      let finished = false;
      const finish = (): void => {
        if (finished) return;
        finished = true;
        if (controller) {
          controller.abort();
          aborts.delete(controller);
        }
        resolve();
      };
      const onEvent = (type: string, obj: Obj): void => {
        if (finished) return;
        if (type === 'ADDED' || type === 'MODIFIED') state.items.set(keyOf(obj), obj);
        else if (type === 'DELETED') state.items.delete(keyOf(obj));
        else if (type === 'ERROR') return finish();
        if (type !== 'BOOKMARK') changed();
      };
      const params = { resourceVersion: rv, allowWatchBookmarks: true, timeoutSeconds: opts.relistSeconds ?? 240 };
      opts.kube.watch
        .watch(pathOf(r, version), params, onEvent, () => finish())
        .then((c) => {
          controller = c;
          aborts.add(c);
          if (finished || stopped) finish();
        }, finish);
    });

  const follow = async (r: Resource): Promise<void> => {
    const state = states.get(r) as KindState;
    let backoff = 0;
    while (!stopped) {
      try {
        const listed = await list(r);
        if (!listed) {
          if (state.complete || state.items.size > 0) changed();
          state.items.clear();
          state.complete = false;
          await sleep(opts.absentRetryMs ?? 60_000);
          continue;
        }
        state.items.clear();
        for (const o of listed.items) state.items.set(keyOf(o), o);
        state.complete = true;
        state.version = listed.version;
        changed();
        backoff = 0;
        await watchOnce(r, listed.version, listed.rv, state);
      } catch (e) {
        backoff = Math.min(backoff === 0 ? 500 : backoff * 2, 10_000);
        opts.log.warn({ err: messageOf(e), retryMs: backoff, kind: r.kind }, `cannot list ${r.kind} for the analysis; retrying`);
        await sleep(backoff);
      }
    }
  };

  return {
    start: () => {
      if (!stopped) return;
      stopped = false;
      for (const r of resources) void follow(r);
    },
    stop: () => {
      stopped = true;
      for (const c of aborts) c.abort();
      aborts.clear();
    },
    snapshot: () => {
      const objects: Obj[] = [];
      const complete = new Set<string>();
      for (const [r, s] of states) {
        const apiVersion = r.group ? `${r.group}/${s.version}` : s.version;
        for (const o of s.items.values()) objects.push({ ...o, apiVersion, kind: r.kind });
        if (s.complete) complete.add(`${r.group}/${r.kind}`);
      }
      return { objects, complete };
    },
    generation: () => gen,
  };
}
