// Post-processing after the templates are merged (§6): cluster/network env, labels and the
// status annotation, and the container order that native and classic sidecars need.
import { arrayAt, copyOf, isObject, objectAt, sprint, stringMap, type Json, type JsonObject } from '../../lib/json.js';

const CLUSTER_ENV = 'ISTIO_META_CLUSTER_ID';
const NETWORK_ENV = 'ISTIO_META_NETWORK';
const NETWORK_LABEL = 'topology.istio.io/network';

/** Proxy env that overrides the template: webhook path env, with cluster and network resolved. */
export function clusterEnv(values: JsonObject, pathEnv: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>): Record<string, string> {
  const global = objectAt(values, 'global');
  const env = copyOf(pathEnv) as Record<string, string>;
  const cluster = pathEnv[CLUSTER_ENV] || sprint(objectAt(global, 'multiCluster')['clusterName']);
  const network = labels[NETWORK_LABEL] ?? (pathEnv[NETWORK_ENV] || sprint(global['network']));
  delete env[CLUSTER_ENV];
  delete env[NETWORK_ENV];
  if (cluster) env[CLUSTER_ENV] = cluster;
  if (network) env[NETWORK_ENV] = network;
  return env;
}

/**
 * Moves the given variables to the end of istio-proxy's env, sorted by name (Istio's order).
 * Only the first istio-proxy gets them, looking in containers before initContainers, as Istio
 * does when two templates each add one (sidecar and grpc-agent with native sidecars).
 */
export function applyClusterEnv(pod: JsonObject, env: Readonly<Record<string, string>>): void {
  const names = Object.keys(env).sort();
  if (names.length === 0) return;
  const spec = objectAt(pod, 'spec');
  const c = [...arrayAt(spec, 'containers'), ...arrayAt(spec, 'initContainers')].find((x) => isObject(x) && x['name'] === 'istio-proxy');
  if (!isObject(c)) return;
  const kept = arrayAt(c, 'env').filter((e) => !(isObject(e) && names.includes(sprint(e['name']))));
  c['env'] = [...kept, ...names.map((name) => ({ name, value: env[name] as string }))];
}

/**
 * Puts the env entries post-processing owns at the end of istio-proxy's env in one order (the
 * cluster env sorted, then the prometheus and prober settings), so re-injection keeps it.
 */
export function settleProxyEnv(pod: JsonObject, clusterNames: readonly string[]): void {
  const tail = [...[...clusterNames].sort(), 'ISTIO_PROMETHEUS_ANNOTATIONS', 'ISTIO_KUBE_APP_PROBERS'];
  const spec = objectAt(pod, 'spec');
  for (const c of [...arrayAt(spec, 'containers'), ...arrayAt(spec, 'initContainers')]) {
    if (!isObject(c) || c['name'] !== 'istio-proxy' || !Array.isArray(c['env'])) continue;
    const env = c['env'];
    const byName = new Map(env.filter(isObject).map((e) => [sprint(e['name']), e] as const));
    const owned = tail.flatMap((n) => byName.get(n) ?? []);
    if (owned.length === 0) continue;
    c['env'] = [...env.filter((e) => !(isObject(e) && tail.includes(sprint(e['name'])))), ...owned];
  }
}

/** Sets the network label, the status annotation and the configured extra annotations. */
export function applyMetadata(pod: JsonObject, network: string, status: string, injected: Readonly<Record<string, string>>): void {
  const metadata = objectAt(pod, 'metadata');
  if (network) metadata['labels'] = copyOf(stringMap(metadata['labels']), { [NETWORK_LABEL]: network });
  metadata['annotations'] = copyOf(objectAt(metadata, 'annotations'), { 'sidecar.istio.io/status': status }, injected);
  pod['metadata'] = metadata;
}

function moveTo(list: Json[], name: string, front: boolean): Json[] {
  const i = list.findIndex((c) => isObject(c) && c['name'] === name);
  if (i < 0) return list;
  const item = list[i] as Json;
  const rest = [...list.slice(0, i), ...list.slice(i + 1)];
  return front ? [item, ...rest] : [...rest, item];
}

type Move = readonly [name: string, front: boolean];

/** Init container moves, applied in order (§3.3). */
const NATIVE_INIT_MOVES: readonly Move[] = [
  ['enable-core-dump', true],
  ['istio-proxy', true],
  ['istio-validation', true],
  ['istio-init', true],
];
const CLASSIC_INIT_MOVES: readonly Move[] = [
  ['istio-validation', true],
  ['istio-init', false],
  ['enable-core-dump', false],
];

/**
 * Orders containers: istio-proxy last among containers (first when the app must wait for it),
 * and the mesh init containers first (native) or around the user's (classic).
 */
export function reorder(pod: JsonObject, holdApplication: boolean): void {
  const spec = objectAt(pod, 'spec');
  if (Array.isArray(spec['containers'])) spec['containers'] = moveTo(spec['containers'], 'istio-proxy', holdApplication);
  const inits = spec['initContainers'];
  if (!Array.isArray(inits)) return;
  const native = inits.some((c) => isObject(c) && c['name'] === 'istio-proxy');
  spec['initContainers'] = (native ? NATIVE_INIT_MOVES : CLASSIC_INIT_MOVES).reduce((list, [name, front]) => moveTo(list, name, front), inits);
}
