// Host names as Istio and Gateway API compare them: short names completed with the namespace
// and the cluster domain, wildcards that match one or more leading labels, and the
// intersection of a listener's hostname with a route's hostnames.

export const CLUSTER_DOMAIN = 'cluster.local';

/**
 * The FQDN of a host written in an object of `namespace`: `reviews` → reviews.<ns>.svc.cluster.local.
 * `reviews.prod` and `reviews.prod.svc` are completed too (kube-dns resolves them); other names stay.
 */
export function fqdn(host: string, namespace: string): string {
  if (host.includes('*') || host === '') return host;
  const labels = host.split('.');
  if (labels.length === 1) return `${host}.${namespace}.svc.${CLUSTER_DOMAIN}`;
  if (labels.length === 2) return `${host}.svc.${CLUSTER_DOMAIN}`;
  if (labels.length === 3 && labels[2] === 'svc') return `${host}.${CLUSTER_DOMAIN}`;
  return host;
}

/** The Kubernetes Service a cluster-local FQDN names, if it is one: name.ns.svc.cluster.local. */
export function serviceOf(host: string): { name: string; namespace: string } | undefined {
  const m = /^([^.]+)\.([^.]+)\.svc\.cluster\.local$/.exec(host);
  return m ? { name: m[1] as string, namespace: m[2] as string } : undefined;
}

/** Does pattern (possibly `*.example.com` or `*`) cover the concrete or wildcard host? */
export function hostCovers(pattern: string, host: string): boolean {
  if (pattern === '*' || pattern === host) return true;
  if (!pattern.startsWith('*.')) return false;
  const suffix = pattern.slice(1);
  if (host.startsWith('*.')) return host.slice(1).endsWith(suffix);
  return host.endsWith(suffix) && host.length > suffix.length;
}

/** Do two hostnames (either may be a wildcard) have a name in common? */
export function hostsIntersect(a: string, b: string): boolean {
  return hostCovers(a, b) || hostCovers(b, a);
}

/** Gateway API: does a listener hostname (undefined = any) accept a route with these hostnames (empty = any)? */
export function listenerAccepts(listenerHostname: string | undefined, routeHostnames: readonly string[]): boolean {
  if (!listenerHostname || routeHostnames.length === 0) return true;
  return routeHostnames.some((h) => hostsIntersect(listenerHostname, h));
}
