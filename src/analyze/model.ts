// The analyzer's view of a set of objects: each object's identity (namespace defaulted), and
// indexes by kind, namespace and name, workloads with their Pod labels, and the Namespaces'
// labels. `covers` says whether the input describes a kind in a namespace: references are only
// reported missing where the input (or, in a cluster, the cache) is the whole truth.
import { podTemplateOf } from '../workloads.js';
import { isMapping } from '../lib/json.js';

export type Obj = Record<string, unknown>;

export const str = (v: unknown): string => (typeof v === 'string' ? v : '');
export const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const obj = (v: unknown): Obj => (isMapping(v) ? v : {});

export function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(obj(v))) if (typeof x === 'string') out[k] = x;
  return out;
}

export const ISTIO = 'networking.istio.io';
export const GATEWAY_API = 'gateway.networking.k8s.io';

export interface Entry {
  /** Position in the analyzer's input; -1 for an object under admission that is not stored yet. */
  readonly index: number;
  readonly apiVersion: string;
  readonly group: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly spec: Obj;
  readonly object: Obj;
}

export interface Workload {
  readonly entry: Entry;
  readonly namespace: string;
  /** The labels its Pods carry (a Pod's own, a template's, a WorkloadEntry's). */
  readonly labels: Readonly<Record<string, string>>;
  /** Runs an Istio gateway (the gateway injection template, or a proxy with image: auto). */
  readonly gateway: boolean;
}

export interface ModelOptions {
  /** Namespace of objects that name none (kubectl's default: `default`). */
  readonly defaultNamespace: string;
  /** Istio's root namespace: selectors there apply mesh-wide (default istio-system). */
  readonly rootNamespace: string;
  /** Kinds (`group/Kind`) the input holds completely, as a cluster's cache does. */
  readonly complete?: ReadonlySet<string>;
}

const CLUSTER_SCOPED = new Set(['/Namespace', '/Node', '/PersistentVolume', `${GATEWAY_API}/GatewayClass`, 'gateway.networking.x-k8s.io/XMesh']);

export function kindKey(group: string, kind: string): string {
  return `${group}/${kind}`;
}

/** The Entry of one raw object, with its namespace defaulted (cluster-scoped kinds have none). */
export function entryOf(o: Obj, index: number, defaultNamespace: string): Entry | undefined {
  const apiVersion = str(o['apiVersion']);
  const kind = str(o['kind']);
  if (!apiVersion || !kind) return undefined;
  const slash = apiVersion.lastIndexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const md = obj(o['metadata']);
  const namespace = CLUSTER_SCOPED.has(kindKey(group, kind)) ? '' : str(md['namespace']) || defaultNamespace;
  return { index, apiVersion, group, kind, namespace, name: str(md['name']), labels: stringMap(md['labels']), spec: obj(o['spec']), object: o };
}

function isGatewayPod(pod: Obj): boolean {
  const md = obj(pod['metadata']);
  const templates = stringMap(md['annotations'])['inject.istio.io/templates'] ?? '';
  const containers = list(obj(pod['spec'])['containers']).map(obj);
  return (
    templates.split(',').some((t) => t.trim() === 'gateway') ||
    containers.some((c) => c['name'] === 'istio-proxy' && c['image'] === 'auto') ||
    'gateway.istio.io/managed' in stringMap(md['labels'])
  );
}

function workloadOf(e: Entry): Workload | undefined {
  if (e.group === ISTIO && e.kind === 'WorkloadEntry') return { entry: e, namespace: e.namespace, labels: stringMap(e.spec['labels']), gateway: false };
  if (e.group === ISTIO && e.kind === 'WorkloadGroup') return { entry: e, namespace: e.namespace, labels: stringMap(obj(e.spec['metadata'])['labels']), gateway: false };
  if (!(e.group === '' || e.group === 'apps' || e.group === 'batch' || e.group === 'apps.openshift.io')) return undefined;
  const t = podTemplateOf(e.object, e.namespace);
  if (!t) return undefined;
  return { entry: e, namespace: e.namespace, labels: stringMap(obj(t.pod['metadata'])['labels']), gateway: isGatewayPod(t.pod) };
}

export interface Model {
  readonly entries: readonly Entry[];
  readonly options: ModelOptions;
  readonly workloads: readonly Workload[];
  /** The workloads of one namespace. */
  workloadsIn(namespace: string): readonly Workload[];
  /** Every object of a kind. */
  of(group: string, kind: string): readonly Entry[];
  /** The objects of a kind in one namespace. */
  inNamespace(group: string, kind: string, namespace: string): readonly Entry[];
  /** The objects with this identity (a directory may hold variants of one object). */
  named(group: string, kind: string, namespace: string, name: string): readonly Entry[];
  /** Whether the input describes this kind in this namespace (so a missing object is missing). */
  covers(group: string, kind: string, namespace: string): boolean;
  /** Whether the input holds any object in this namespace. */
  describes(namespace: string): boolean;
  /** Labels of the Namespace object, when the input has it. */
  namespaceLabels(namespace: string): Readonly<Record<string, string>> | undefined;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const found = map.get(key);
  if (found) found.push(value);
  else map.set(key, [value]);
}

export function buildModel(objects: readonly unknown[], options: ModelOptions): Model {
  const entries = objects.flatMap((o, i) => (isMapping(o) ? (entryOf(o, i, options.defaultNamespace) ?? []) : []));
  return modelOf(entries, options);
}

export function modelOf(entries: readonly Entry[], options: ModelOptions): Model {
  const byKind = new Map<string, Entry[]>();
  const byNamespace = new Map<string, Entry[]>();
  const byName = new Map<string, Entry[]>();
  const namespaces = new Set<string>();
  for (const e of entries) {
    push(byKind, kindKey(e.group, e.kind), e);
    push(byNamespace, `${kindKey(e.group, e.kind)}/${e.namespace}`, e);
    push(byName, `${kindKey(e.group, e.kind)}/${e.namespace}/${e.name}`, e);
    if (e.namespace) namespaces.add(e.namespace);
    if (e.group === '' && e.kind === 'Namespace') namespaces.add(e.name);
  }
  const workloads = entries.flatMap((e) => workloadOf(e) ?? []);
  const workloadsByNs = new Map<string, Workload[]>();
  for (const w of workloads) push(workloadsByNs, w.namespace, w);
  const nsObjects = new Map((byKind.get('/Namespace') ?? []).map((n) => [n.name, n.labels]));
  return {
    entries,
    options,
    workloads,
    workloadsIn: (namespace) => workloadsByNs.get(namespace) ?? [],
    of: (group, kind) => byKind.get(kindKey(group, kind)) ?? [],
    inNamespace: (group, kind, namespace) => byNamespace.get(`${kindKey(group, kind)}/${namespace}`) ?? [],
    named: (group, kind, namespace, name) => byName.get(`${kindKey(group, kind)}/${namespace}/${name}`) ?? [],
    covers: (group, kind, namespace) => options.complete?.has(kindKey(group, kind)) === true || byNamespace.has(`${kindKey(group, kind)}/${namespace}`),
    describes: (namespace) => namespaces.has(namespace),
    namespaceLabels: (namespace) => {
      const labels = nsObjects.get(namespace);
      return labels ? { 'kubernetes.io/metadata.name': namespace, ...labels } : undefined;
    },
  };
}

/** Whether two entries are the same object (variants of one object do not conflict with each other). */
export function sameObject(a: Entry, b: Entry): boolean {
  return a.group === b.group && a.kind === b.kind && a.namespace === b.namespace && a.name === b.name;
}
