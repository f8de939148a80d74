// Prometheus metrics merge (§6.2): the Pod's own `prometheus.io/*` scrape settings are handed to
// the agent in ISTIO_PROMETHEUS_ANNOTATIONS and the annotations are pointed at the agent, which
// serves the application's and Envoy's metrics merged on the status port.
import { InjectionDenied } from '../errors.js';
import { arrayAt, copyOf, isObject, objectAt, parseBool, sprint, stringMap, type JsonObject } from '../../lib/json.js';

const RESERVED_PORTS = new Set([15000, 15001, 15004, 15006, 15008, 15020, 15021, 15053, 15090]);

/** Prometheus's label-name sanitising: anything but letters, digits and _ becomes _. */
const sanitize = (key: string): string => key.replace(/[^a-zA-Z0-9_]/g, '_');

const SCRAPE = 'prometheus_io_scrape';
const PORT = 'prometheus_io_port';
const PATH = 'prometheus_io_path';
const TARGETS = 'prometheus_istio_io_scrape_targets';
const SECURE_PORT = 'prometheus_istio_io_secure_port';

type Annotations = Readonly<Record<string, string>>;

/** Annotation keys by their sanitised form (only the prometheus-looking ones are kept). */
function sanitizedKeys(annotations: Annotations): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const k of Object.keys(annotations)) {
    if (!k.includes('prometheus')) continue;
    const s = sanitize(k);
    out.set(s, [...(out.get(s) ?? []), k]);
  }
  return out;
}

function firstValue(annotations: Annotations, keys: Map<string, string[]>, sanitized: string): string {
  const k = keys.get(sanitized)?.[0];
  return k === undefined ? '' : (annotations[k] as string);
}

function mergeEnabled(annotations: Annotations, keys: Map<string, string[]>, mesh: JsonObject): boolean {
  if ((keys.get(SCRAPE) ?? []).some((k) => parseBool(annotations[k] as string) === false)) return false;
  const explicit = parseBool(annotations['prometheus.istio.io/merge-metrics'] ?? '');
  if (explicit !== undefined) return explicit;
  return mesh['enablePrometheusMerge'] !== false;
}

function checkPort(port: string, what: string, agentPort: string): void {
  const n = /^[0-9]+$/.test(port) ? Number(port) : NaN;
  const problem = !(n >= 1 && n <= 65535)
    ? 'is not a port number (1-65535)'
    : port === agentPort
      ? "is the sidecar agent's own port"
      : RESERVED_PORTS.has(n)
        ? 'is a port reserved by the Istio sidecar'
        : undefined;
  if (problem) throw new InjectionDenied('invalid_prometheus', `invalid prometheus scrape configuration: ${what} "${port}" ${problem}`);
}

interface Target {
  readonly port: string;
  readonly path: string;
}

function parseTargets(text: string, agentPort: string): Target[] {
  if (text.trim() === '') return [];
  return text.split(',').map((entry) => {
    const t = entry.trim();
    const colon = t.indexOf(':');
    const target = { port: colon >= 0 ? t.slice(0, colon) : t, path: (colon >= 0 ? t.slice(colon + 1) : '') || '/metrics' };
    checkPort(target.port, 'scrape target port', agentPort);
    return target;
  });
}

function proxyOf(pod: JsonObject): JsonObject | undefined {
  const spec = objectAt(pod, 'spec');
  return [...arrayAt(spec, 'containers'), ...arrayAt(spec, 'initContainers')].find((c): c is JsonObject => isObject(c) && c['name'] === 'istio-proxy');
}

function appendEnv(container: JsonObject, name: string, value: string): void {
  const env = Array.isArray(container['env']) ? container['env'] : [];
  container['env'] = [...env.filter((e) => !(isObject(e) && e['name'] === name)), { name, value }];
}

/** Applies the merge to the Pod (in place); throws InjectionDenied for unusable ports. */
export function applyPrometheusMerge(pod: JsonObject, mesh: JsonObject): void {
  const metadata = objectAt(pod, 'metadata');
  const annotations = stringMap(metadata['annotations']);
  const keys = sanitizedKeys(annotations);
  if (!mergeEnabled(annotations, keys, mesh)) return;
  const agentPort = sprint(objectAt(mesh, 'defaultConfig')['statusPort'] ?? 15020);
  if ((keys.get(PORT) ?? []).some((k) => annotations[k] === agentPort)) return;
  const targets = parseTargets(firstValue(annotations, keys, TARGETS), agentPort);
  const config = {
    scrape: firstValue(annotations, keys, SCRAPE),
    path: firstValue(annotations, keys, PATH) || (targets[0]?.path ?? ''),
    port: firstValue(annotations, keys, PORT) || (targets[0]?.port ?? ''),
  };
  if (config.port !== '') checkPort(config.port, 'annotation prometheus.io/port', agentPort);
  const proxy = proxyOf(pod);
  if (proxy && (config.scrape || config.path || config.port || targets.length > 0)) {
    appendEnv(proxy, 'ISTIO_PROMETHEUS_ANNOTATIONS', JSON.stringify(targets.length > 0 ? { ...config, targets } : config));
  }
  for (const key of [SCRAPE, PORT, PATH, TARGETS]) for (const k of keys.get(key) ?? []) delete annotations[k];
  Object.assign(annotations, { 'prometheus.io/port': agentPort, 'prometheus.io/path': '/stats/prometheus', 'prometheus.io/scrape': 'true' });
  metadata['annotations'] = annotations;
  pod['metadata'] = metadata;
}

/** Advertises the agent's TLS metrics port when the proxy is configured with one. */
export function applySecurePort(pod: JsonObject): void {
  // The proxy's env first: it rarely sets the port, and then the annotations need no scan.
  const env = arrayAt(proxyOf(pod), 'env').find((e) => isObject(e) && e['name'] === 'ENVOY_SECURE_MERGED_METRICS_PORT');
  const port = isObject(env) ? sprint(env['value']) : '';
  if (port === '' || port === '0') return;
  const metadata = objectAt(pod, 'metadata');
  const annotations = stringMap(metadata['annotations']);
  if (sanitizedKeys(annotations).has(SECURE_PORT)) return;
  metadata['annotations'] = copyOf(annotations, { 'prometheus.istio.io/secure-port': port });
  pod['metadata'] = metadata;
}
