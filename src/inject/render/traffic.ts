// Small string rules of the sidecar template that are easier to state in code than in CEL.

/** The excluded inbound ports with the status port added (unless it is 0, empty or present). */
export function excludeInboundPort(statusPort: string, excluded: string): string {
  const port = statusPort.trim();
  if (port === '' || port === '0') return excluded;
  const kept: string[] = [];
  for (const raw of excluded.split(',')) {
    const p = raw.trim();
    if (p === port) return excluded;
    if (p !== '') kept.push(p);
  }
  kept.push(port);
  return kept.join(',');
}

/**
 * Adds the istio-cni network (`ns/name` or `name`) to a Multus `k8s.v1.cni.cncf.io/networks`
 * value as Istio's appendMultusNetwork does: a value with a `]` is a JSON list of objects (an
 * entry of the same name and namespace, or anything unparsable, leaves it unchanged; otherwise
 * the entry is spliced in before the last `]`); else a comma list that gains `, network` unless
 * an item already equals it. Shared by the built-in templates and the Go template function.
 */
export function appendMultusNetwork(existing: string, network: string): string {
  if (existing === '') return network;
  const close = existing.lastIndexOf(']');
  if (close < 0) return existing.split(',').some((n) => n.trim() === network) ? existing : `${existing}, ${network}`;
  let list: unknown;
  try {
    list = JSON.parse(existing);
  } catch {
    return existing;
  }
  if (!Array.isArray(list) || list.some((n) => typeof n !== 'object' || n === null || Array.isArray(n))) return existing;
  const slash = network.indexOf('/');
  const [namespace, name] = slash >= 0 ? [network.slice(0, slash), network.slice(slash + 1)] : ['', network];
  if ((list as Record<string, unknown>[]).some((n) => n['name'] === name && (n['namespace'] ?? '') === namespace)) return existing;
  const entry = namespace === '' ? `, {"name": "${name}"}` : `, {"name": "${name}", "namespace": "${namespace}"}`;
  return existing.slice(0, close) + entry + existing.slice(close);
}
