// Extra proxy environment encoded in the webhook path, as Istio's injector accepts it:
// `/inject/cluster/c1/net/n1` → ISTIO_META_CLUSTER_ID=c1, ISTIO_META_NETWORK=n1; any other
// key is upper-cased and used as the variable name; `--slash--` in a value stands for `/`.

const KNOWN_KEYS: Readonly<Record<string, string>> = {
  cluster: 'ISTIO_META_CLUSTER_ID',
  net: 'ISTIO_META_NETWORK',
};

export function pathEnv(suffix: string): Record<string, string> {
  const env: Record<string, string> = {};
  const parts = suffix.split('/').filter((p) => p.length > 0);
  if (parts[0]?.startsWith(':ENV:')) return legacyEnv(parts[0]);
  // An odd trailing key has no value and is ignored.
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const key = decodeURIComponent(parts[i] as string);
    const value = decodeURIComponent(parts[i + 1] as string).replaceAll('--slash--', '/');
    env[KNOWN_KEYS[key] ?? key.toUpperCase()] = value;
  }
  return env;
}

/** The deprecated `/inject/:ENV:cluster=c1:ENV:net=n1` form. */
function legacyEnv(segment: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of segment.split(':ENV:').filter((p) => p.includes('='))) {
    const eq = pair.indexOf('=');
    const key = decodeURIComponent(pair.slice(0, eq));
    env[KNOWN_KEYS[key] ?? key.toUpperCase()] = decodeURIComponent(pair.slice(eq + 1)).replaceAll('--slash--', '/');
  }
  return env;
}
