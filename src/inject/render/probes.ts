// Application probe rewriting (§6.3): with a sidecar capturing inbound traffic, kubelet probes
// go through the agent. Each app probe is recorded in ISTIO_KUBE_APP_PROBERS (where the agent
// forwards it) and the probe itself is pointed at the agent's status port.
import type { InjectorConfig } from '../settings/config.js';
import { arrayAt, copyOf, isObject, objectAt, parseBool, sprint, stringAt, type Json, type JsonObject } from '../../lib/json.js';
import { handlerAction } from '../pod.js';

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
  // When several ports share the name, the last one counts (Istio reads them into a map).
  const named = arrayAt(container, 'ports').findLast((p) => isObject(p) && p['name'] === port);
  return isObject(named) && typeof named['containerPort'] === 'number' ? named['containerPort'] : undefined;
}

/**
 * What the agent needs to run one probe or hook itself. Undefined when the handler is not
 * HTTP/TCP/gRPC, its named port does not resolve, or it already points at a status port (an
 * earlier rewrite).
 */
function proberOf(handler: JsonObject, kind: string, container: JsonObject, statusPorts: readonly number[]): Prober | undefined {
  const action = handlerAction(handler, kind);
  const raw = action['port'];
  const port = kind === 'grpc' ? raw : resolvePort(raw, container);
  if (port === undefined || (kind !== 'grpc' && statusPorts.includes(raw as number))) return undefined;
  const prober: Prober = { [kind]: { ...action, port } };
  const timeout = handler['timeoutSeconds'];
  if (typeof timeout === 'number' && timeout > 0) prober['timeoutSeconds'] = timeout;
  return prober;
}

interface Rewrite {
  readonly key: string;
  /** The container, and the probe field or lifecycle hook the handler sits in. */
  readonly container: JsonObject;
  readonly field: string;
  readonly hook?: string;
  readonly prober: Prober | undefined;
}

const handlerKind = (h: JsonObject, kinds: readonly string[]): string | undefined => kinds.find((k) => isObject(h[k]));

function rewritesOf(c: JsonObject, statusPorts: readonly number[]): Rewrite[] {
  const name = sprint(c['name']);
  const out: Rewrite[] = [];
  const add = (handler: unknown, key: string, kinds: readonly string[], where: Pick<Rewrite, 'field' | 'hook'>): void => {
    if (!isObject(handler)) return;
    const kind = handlerKind(handler, kinds);
    if (kind) out.push({ key, container: c, ...where, prober: proberOf(handler, kind, c, statusPorts) });
  };
  for (const [field, suffix] of PROBES) add(c[field], `/app-health/${name}/${suffix}`, ['httpGet', 'tcpSocket', 'grpc'], { field });
  const lifecycle = objectAt(c, 'lifecycle');
  for (const [hook, suffix] of HOOKS) add(lifecycle[hook], `/app-lifecycle/${name}/${suffix}`, ['httpGet', 'tcpSocket'], { field: 'lifecycle', hook });
  return out;
}

/** A probe or hook pointed at the agent: HTTP GET on the status port; HTTPS becomes HTTP. */
function redirected(handler: JsonObject, path: string, statusPort: number): JsonObject {
  const out = copyOf(handler);
  const http = isObject(out['httpGet']) ? copyOf(out['httpGet']) : {};
  delete out['tcpSocket'];
  delete out['grpc'];
  http['path'] = path;
  http['port'] = statusPort;
  if (http['scheme'] === 'HTTPS') http['scheme'] = 'HTTP';
  out['httpGet'] = http;
  return out;
}

/**
 * Replaces the handler with its redirected copy. The container is the Pod's own copy, but the
 * probe and lifecycle objects may be shared with the request, so they are copied, not changed.
 */
function redirect(r: Rewrite, statusPort: number): void {
  const { container: c, field, hook } = r;
  if (hook === undefined) c[field] = redirected(c[field] as JsonObject, r.key, statusPort);
  else {
    const lifecycle = objectAt(c, field);
    c[field] = { ...lifecycle, [hook]: redirected(lifecycle[hook] as JsonObject, r.key, statusPort) };
  }
}

const meshStatusPortOf = (mesh: JsonObject): number => Number(objectAt(mesh, 'defaultConfig')['statusPort'] ?? 15020);

/** Where rewritten probes point: the Pod's status port annotation, else the mesh's. */
function statusPortOf(annotations: unknown, mesh: JsonObject): number {
  const a = stringAt(annotations, 'status.sidecar.istio.io/port');
  if (a !== undefined) return /^[0-9]+$/.test(a) ? Number(a) : 0;
  return meshStatusPortOf(mesh);
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

/**
 * Rewrites the Pod's probes in place when enabled: every HTTP, TCP and gRPC probe (and HTTP/TCP
 * lifecycle hook) of the app containers points at the agent; those the agent can run are listed
 * in ISTIO_KUBE_APP_PROBERS (on re-injection, earlier entries win).
 */
export function rewriteProbes(pod: JsonObject, config: InjectorConfig, reinjection: boolean): void {
  const spec = objectAt(pod, 'spec');
  const all = [...arrayAt(spec, 'initContainers'), ...arrayAt(spec, 'containers')].filter(isObject);
  const proxy = all.find((c) => c['name'] === 'istio-proxy');
  const annotations = objectAt(pod, 'metadata')['annotations'];
  const enabled = parseBool(stringAt(annotations, 'sidecar.istio.io/rewriteAppHTTPProbers') ?? '') ?? config.rewriteAppHTTPProbe;
  const statusPort = statusPortOf(annotations, config.mesh);
  // A status port of 0 still rewrites the probes (to port 0), as Istio does. A handler already
  // on the mesh's status port was rewritten before; on re-injection, so was one on the Pod's.
  if (!proxy || !enabled) return;
  const statusPorts = reinjection ? [meshStatusPortOf(config.mesh), statusPort] : [meshStatusPortOf(config.mesh)];
  const rewrites = all.filter((c) => c['name'] !== 'istio-proxy').flatMap((c) => rewritesOf(c, statusPorts));
  const probers: Record<string, Json> = {};
  for (const r of rewrites) if (r.prober) probers[r.key] = r.prober;
  if (Object.keys(probers).length > 0) {
    const merged = reinjection ? { ...probers, ...previousProbers(proxy) } : probers;
    const env = arrayAt(proxy, 'env').filter((e) => !(isObject(e) && e['name'] === PROBERS_ENV));
    proxy['env'] = [...env, { name: PROBERS_ENV, value: sortedJSON(merged) }];
  }
  for (const r of rewrites) redirect(r, statusPort);
}
