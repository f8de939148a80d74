// The object a person applied, for a Pod being admitted: its controller owner, followed one more
// step when that owner is itself made by a controller (ReplicaSet → Deployment or Rollout, Job →
// CronJob). A Pod's owner reference already carries the owner's uid; only those two intermediate
// kinds are read (get replicasets, get jobs), and every answer is cached, so a Deployment's
// hundred Pods cost one read. A failed read falls back to the owner the Pod names.
import type { ObjectRef, OwnerReference } from '../../admission/notice.js';
import { messageOf, statusOf, type Kube } from '../api/kube.js';

/** Kinds whose objects are made by another controller, with where to read them. */
const INTERMEDIATE: Readonly<Record<string, { group: string; version: string; plural: string }>> = {
  'apps/ReplicaSet': { group: 'apps', version: 'v1', plural: 'replicasets' },
  'batch/Job': { group: 'batch', version: 'v1', plural: 'jobs' },
};

export interface OwnerResolver {
  /** The object whose `kubectl describe` should show an Event about `ref`. */
  resolve(ref: ObjectRef): Promise<ObjectRef>;
}

export interface OwnerResolverOptions {
  readonly kube: Pick<Kube, 'custom'>;
  readonly onError?: (message: string) => void;
  readonly ttlMs?: number;
  readonly maxEntries?: number;
  readonly now?: () => number;
}

const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? (apiVersion.split('/')[0] as string) : '');

/** The controller among owner references (the first owner when none is marked). */
export function controllerOf(owners: readonly OwnerReference[] | undefined): OwnerReference | undefined {
  return owners?.find((o) => o.controller) ?? owners?.[0];
}

function refOf(owner: OwnerReference, namespace: string): ObjectRef {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.name, uid: owner.uid, namespace };
}

interface Entry {
  readonly ref: ObjectRef;
  readonly until: number;
}

export function createOwnerResolver(opts: OwnerResolverOptions): OwnerResolver {
  const ttl = opts.ttlMs ?? 10 * 60_000;
  const max = opts.maxEntries ?? 4096;
  const now = opts.now ?? Date.now;
  const cache = new Map<string, Entry>();
  const remember = (uid: string, ref: ObjectRef, ms: number): ObjectRef => {
    if (cache.size >= max) cache.delete(cache.keys().next().value as string);
    cache.set(uid, { ref, until: now() + ms });
    return ref;
  };
  const lookUp = async (owner: ObjectRef): Promise<ObjectRef> => {
    const where = INTERMEDIATE[`${groupOf(owner.apiVersion)}/${owner.kind}`];
    if (!where || !owner.uid) return owner;
    const hit = cache.get(owner.uid);
    if (hit && hit.until > now()) return hit.ref;
    try {
      const obj = (await opts.kube.custom.getNamespacedCustomObject({ ...where, namespace: owner.namespace, name: owner.name })) as {
        metadata?: { ownerReferences?: OwnerReference[] };
      };
      const next = controllerOf(obj.metadata?.ownerReferences);
      return remember(owner.uid, next ? refOf(next, owner.namespace) : owner, ttl);
    } catch (e) {
      opts.onError?.(`cannot read ${owner.kind} ${owner.namespace}/${owner.name} to find its owner (HTTP ${statusOf(e) ?? '-'}): ${messageOf(e)}`);
      // Try again later, but not for every Pod of a busy workload.
      return remember(owner.uid, owner, 30_000);
    }
  };
  return {
    resolve: async (ref) => {
      const owner = controllerOf(ref.ownerReferences);
      if (!owner) return ref;
      return lookUp(refOf(owner, ref.namespace));
    },
  };
}
