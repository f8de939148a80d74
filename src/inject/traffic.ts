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
 * Adds the istio-cni network to a Multus `k8s.v1.cni.cncf.io/networks` value, in the flat
 * (`a, ns/b`) or JSON list form it already uses; a value that already names it is kept.
 */
export function appendMultusNetwork(existing: string, network: string): string {
  if (existing.trim() === '') return network;
  const slash = network.indexOf('/');
  const [namespace, name] = slash >= 0 ? [network.slice(0, slash), network.slice(slash + 1)] : ['', network];
  const end = existing.lastIndexOf(']');
  if (end >= 0) {
    let list: unknown;
    try {
      list = JSON.parse(existing);
    } catch {
      return existing;
    }
    if (!Array.isArray(list)) return existing;
    const present = list.some((n: unknown) => typeof n === 'object' && n !== null && (n as { name?: unknown }).name === name);
    if (present) return existing;
    const entry = namespace ? `{"name": "${name}", "namespace": "${namespace}"}` : `{"name": "${name}"}`;
    const sep = list.length > 0 ? ', ' : '';
    return `${existing.slice(0, end)}${sep}${entry}${existing.slice(end)}`;
  }
  if (existing.split(',').some((n) => n.trim() === network || n.trim() === name)) return existing;
  return `${existing}, ${network}`;
}
