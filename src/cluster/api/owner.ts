// What meshgate creates at run time (the certificate Secret, the leader and heartbeat Leases)
// is owned by meshgate's Deployment when the `ownerDeployment` setting names it, so Kubernetes'
// garbage collector removes it with the Deployment (`helm uninstall`, `kubectl delete -k`)
// instead of leaving a CA key behind. The owner is looked up once, at the first create.
import type { Logger } from 'pino';
import { deploymentUid, messageOf, type Kube, type Store } from './kube.js';

export interface OwnerReference {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly uid: string;
}

type Owned = { metadata?: { ownerReferences?: OwnerReference[] } };

/** Resolves the Deployment's owner reference once; undefined (and a warning) when it cannot. */
export function deploymentOwner(kube: Kube, namespace: string, name: string | undefined, log: Logger): () => Promise<OwnerReference | undefined> {
  let found: Promise<OwnerReference | undefined> | undefined;
  const lookup = async (): Promise<OwnerReference | undefined> => {
    if (!name) return undefined;
    try {
      const uid = await deploymentUid(kube, namespace, name);
      if (uid) return { apiVersion: 'apps/v1', kind: 'Deployment', name, uid };
      log.warn({ deployment: name }, 'the owner Deployment does not exist; objects meshgate creates will not be removed with it');
    } catch (e) {
      found = undefined;
      log.warn({ deployment: name, err: messageOf(e) }, 'cannot read the owner Deployment; creating without an owner');
    }
    return undefined;
  };
  return () => (found ??= lookup());
}

/** The body with `owner` added to its ownerReferences (unless already there). */
export function withOwner<T extends Owned>(body: T, owner: OwnerReference | undefined): T {
  const refs = body.metadata?.ownerReferences ?? [];
  if (!owner || refs.some((r) => r.uid === owner.uid)) return body;
  return { ...body, metadata: { ...body.metadata, ownerReferences: [...refs, owner] } };
}

/** A store whose creates carry the owner reference; reads and replaces are unchanged. */
export function ownedStore<T extends Owned, S extends Store<T>>(store: S, owner: () => Promise<OwnerReference | undefined>): S {
  return { ...store, create: async (body: T) => store.create(withOwner(body, await owner())) };
}
