// Application probe rewriting (§6.3): with a sidecar capturing inbound traffic, kubelet probes
// go through the agent. Each app probe is recorded in ISTIO_KUBE_APP_PROBERS (where the agent
// forwards it) and the probe itself is pointed at the agent's status port.
import type { InjectorConfig } from './config.js';
import { arrayAt, isObject, objectAt, parseBool, sprint, stringMap, type Json, type JsonObject } from './json.js';

export const PROBERS_ENV = 'ISTIO_KUBE_APP_PROBERS';

const PROBES: ReadonlyArray<readonly [string, string]> = [
  ['readinessProbe', 'readyz'],
  ['livenessProbe', 'livez'],
  ['startupProbe', 'startupz'],
];
const HOOKS: ReadonlyArray<readonly [string, string]> = [
  ['preStop', 'prestopz'],
  ['postStart', 'poststartz'],
];

type Prober = JsonObject;

/** The port a probe handler points at, with named ports resolved against the container's ports. */
function resolvePort(port: Json | undefined, container: JsonObject): number | undefined {
  if (typeof port === 'number') return port;
  if (typeof port !== 'string') return undefined;
  const named = arrayAt(container, 'ports').find((p) => isObject(p) && p['name'] === port);
  return isObject(named) && typeof named['containerPort'] === 'number' ? named['containerPort'] : undefined;
}

/** What the agent needs to run one probe or hook itself, or undefined when it is not rewritable. */
function proberOf(handler: JsonObject, container: JsonObject, statusPort: number, allowGrpc: boolean): Prober | undefined {
  const kind = ['httpGet', 'tcpSocket', ...(allowGrpc ? ['grpc'] : [])].find((k) => isObject(handler[k]));
  if (!kind) return undefined;
  const action = handler[kind] as JsonObject;
  const port = resolvePort(action['port'], container);
  if (port === undefined || port === statusPort) return undefined;
  const prober: Prober = { [kind]: { ...action, port } };
  const timeout = handler['timeoutSeconds'];
  if (typeof timeout === 'number' && timeout > 0) prober['timeoutSeconds'] = timeout;
  return prober;
}

interface Rewrite {
  readonly key: string;
  readonly target: JsonObject;
  readonly prober: Prober;
}

function rewritesOf(c: JsonObject, statusPort: number): Rewrite[] {
  const name = sprint(c['name']);
  const out: Rewrite[] = [];
  for (const [field, suffix] of PROBES) {
    const probe = c[field];
    const prober = isObject(probe) ? proberOf(probe, c, statusPort, true) : undefined;
    if (prober) out.push({ key: `/app-health/${name}/${suffix}`, target: probe as JsonObject, prober });
  }
  const lifecycle = objectAt(c, 'lifecycle');
  for (const [hook, suffix] of HOOKS) {
    const handler = lifecycle[hook];
    const prober = isObject(handler) ? proberOf(handler, c, statusPort, false) : undefined;
    if (prober) out.push({ key: `/app-lifecycle/${name}/${suffix}`, target: handler as JsonObject, prober });
  }
  return out;
}

/** Points a probe or hook at the agent: HTTP GET on the status port; HTTPS becomes HTTP. */
function redirect(target: JsonObject, path: string, statusPort: number): void {
  const http = isObject(target['httpGet']) ? { ...target['httpGet'] } : {};
  delete target['tcpSocket'];
  delete target['grpc'];
  http['path'] = path;
  http['port'] = statusPort;
  if (http['scheme'] === 'HTTPS') http['scheme'] = 'HTTP';
  target['httpGet'] = http;
}

function statusPortOf(annotations: Readonly<Record<string, string>>, mesh: JsonObject): number {
  const a = annotations['status.sidecar.istio.io/port'];
  if (a !== undefined) return /^[0-9]+$/.test(a) ? Number(a) : 0;
  return Number(objectAt(mesh, 'defaultConfig')['statusPort'] ?? 15020);
}

function sortedJSON(map: Record<string, Json>): string {
  const out: Record<string, Json> = {};
  for (const k of Object.keys(map).sort()) out[k] = map[k] as Json;
  return JSON.stringify(out);
}

function previousProbers(proxy: JsonObject): Record<string, Json> {
  const env = arrayAt(proxy, 'env').find((e) => isObject(e) && e['name'] === PROBERS_ENV);
  try {
    const v: unknown = JSON.parse(isObject(env) ? sprint(env['value']) : '');
    return isObject(v) ? v : {};
  } catch {
    return {};
  }
}

/** Rewrites the Pod's probes in place when enabled; `reinjection` keeps earlier entries. */
export function rewriteProbes(pod: JsonObject, config: InjectorConfig, reinjection: boolean): void {
  const spec = objectAt(pod, 'spec');
  const all = [...arrayAt(spec, 'initContainers'), ...arrayAt(spec, 'containers')].filter(isObject);
  const proxy = all.find((c) => c['name'] === 'istio-proxy');
  const annotations = stringMap(objectAt(pod, 'metadata')['annotations']);
  const enabled = parseBool(annotations['sidecar.istio.io/rewriteAppHTTPProbers'] ?? '') ?? config.rewriteAppHTTPProbe;
  const statusPort = statusPortOf(annotations, config.mesh);
  if (!proxy || !enabled || statusPort === 0) return;
  const rewrites = all.filter((c) => c['name'] !== 'istio-proxy').flatMap((c) => rewritesOf(c, statusPort));
  if (rewrites.length === 0) return;
  const probers: Record<string, Json> = {};
  for (const r of rewrites) probers[r.key] = r.prober;
  const merged = reinjection ? { ...probers, ...previousProbers(proxy) } : probers;
  const env = arrayAt(proxy, 'env').filter((e) => !(isObject(e) && e['name'] === PROBERS_ENV));
  proxy['env'] = [...env, { name: PROBERS_ENV, value: sortedJSON(merged) }];
  for (const r of rewrites) redirect(r.target, r.key, statusPort);
}
