// The Pod's Namespace for the injector, in cluster mode: its labels and annotations (on
// OpenShift the `openshift.io/sa.scc.*` ranges give the proxy's user and group). Read from the
// API server on first use and kept for a while, so a burst of Pods costs one read per Namespace.
import type { Logger } from 'pino';
import type { Kube } from '../api/kube.js';
import { messageOf } from '../api/kube.js';

export interface NamespaceMeta {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

export type NamespaceLookup = (name: string) => Promise<NamespaceMeta | undefined>;

/** A lookup that caches each Namespace for ttlMs; a failed read answers undefined (and is logged). */
export function namespaceLookup(kube: Kube, log: Logger, ttlMs = 30_000, now: () => number = Date.now): NamespaceLookup {
  const cache = new Map<string, { at: number; meta: Promise<NamespaceMeta | undefined> }>();
  return (name) => {
    const hit = cache.get(name);
    if (hit && now() - hit.at < ttlMs) return hit.meta;
    const meta = kube.core.readNamespace({ name }).then(
      (ns) => ({ labels: ns.metadata?.labels ?? {}, annotations: ns.metadata?.annotations ?? {} }),
      (e: unknown) => {
        log.warn({ namespace: name, err: { message: messageOf(e) } }, 'cannot read the Namespace; injecting without it');
        cache.delete(name);
        return undefined;
      },
    );
    cache.set(name, { at: now(), meta });
    return meta;
  };
}
