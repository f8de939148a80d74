// Which workload a Pod belongs to (Istio's DeploymentMeta/TypeMeta), from the Pod itself: its
// controller owner reference and the labels controllers put on their Pods.
import { arrayAt, isObject, stringMap, type JsonObject } from '../../lib/json.js';

export interface WorkloadMeta {
  readonly name: string;
  readonly namespace: string;
  readonly kind: string;
  readonly apiVersion: string;
}

interface Owner {
  readonly kind: string;
  readonly apiVersion: string;
  readonly name: string;
}

function controllerOf(metadata: JsonObject): Owner | undefined {
  const ref = arrayAt(metadata, 'ownerReferences').find((r) => isObject(r) && r['controller'] === true);
  if (!isObject(ref)) return undefined;
  return { kind: String(ref['kind'] ?? ''), apiVersion: String(ref['apiVersion'] ?? ''), name: String(ref['name'] ?? '') };
}

type Rule = (owner: Owner, labels: Readonly<Record<string, string>>) => Owner | undefined;

/** Owner rewrites, tried in order: a ReplicaSet of a Deployment or Rollout, an OpenShift RC, a CronJob's Job. */
const OWNER_RULES: readonly Rule[] = [
  (o, l) => {
    const hash = l['pod-template-hash'];
    return o.kind === 'ReplicaSet' && hash && o.name.endsWith(`-${hash}`) ? { kind: 'Deployment', apiVersion: o.apiVersion, name: o.name.slice(0, -hash.length - 1) } : undefined;
  },
  (o, l) => {
    const hash = l['rollouts-pod-template-hash'];
    return o.kind === 'ReplicaSet' && hash
      ? { kind: 'Rollout', apiVersion: 'v1alpha1', name: o.name.endsWith(`-${hash}`) ? o.name.slice(0, -hash.length - 1) : o.name }
      : undefined;
  },
  (o, l) => {
    const dc = l['deploymentconfig'];
    return o.kind === 'ReplicationController' && dc ? { kind: 'DeploymentConfig', apiVersion: 'v1', name: dc } : undefined;
  },
  (o) => {
    const m = /^(.+)-[0-9]{8,10}$/.exec(o.name);
    return o.kind === 'Job' && m ? { kind: 'CronJob', apiVersion: 'batch/v1', name: m[1] as string } : undefined;
  },
];

/** The workload of a Pod: its controller's workload when created by one, else the Pod itself. */
export function workloadOf(pod: JsonObject, namespace: string): WorkloadMeta {
  const metadata = isObject(pod['metadata']) ? pod['metadata'] : {};
  const podName = typeof metadata['name'] === 'string' ? metadata['name'] : '';
  const owner = typeof metadata['generateName'] === 'string' && metadata['generateName'] ? controllerOf(metadata) : undefined;
  if (!owner) return { name: podName, namespace, kind: 'Pod', apiVersion: 'v1' };
  const labels = stringMap(metadata['labels']);
  const resolved = OWNER_RULES.reduce<Owner | undefined>((found, rule) => found ?? rule(owner, labels), undefined) ?? owner;
  return { kind: resolved.kind, apiVersion: resolved.apiVersion, name: resolved.name || podName, namespace };
}

/** `kubernetes://apis/<apiVersion>/namespaces/<ns>/<kind>s/<name>`, Istio's ISTIO_META_OWNER. */
export function ownerURI(w: WorkloadMeta): string {
  return `kubernetes://apis/${w.apiVersion}/namespaces/${w.namespace || 'default'}/${w.kind.toLowerCase()}s/${w.name}`;
}
