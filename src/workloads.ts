// Pods and the workloads that carry a Pod template (Deployment, StatefulSet, DaemonSet,
import { isMapping } from './lib/json.js';
// ReplicaSet, ReplicationController, Job, CronJob, DeploymentConfig): where the template is,
// and how an injected Pod is written back. Shared by inject, explain and validate.

type Obj = Record<string, unknown>;

/** Where each workload kind keeps its Pod template: metadata path and spec path. */
export const POD_TEMPLATES: Readonly<Record<string, { readonly metadata: readonly string[]; readonly spec: readonly string[] }>> = {
  Pod: { metadata: ['metadata'], spec: ['spec'] },
  Deployment: { metadata: ['spec', 'template', 'metadata'], spec: ['spec', 'template', 'spec'] },
  StatefulSet: { metadata: ['spec', 'template', 'metadata'], spec: ['spec', 'template', 'spec'] },
  DaemonSet: { metadata: ['spec', 'template', 'metadata'], spec: ['spec', 'template', 'spec'] },
  ReplicaSet: { metadata: ['spec', 'template', 'metadata'], spec: ['spec', 'template', 'spec'] },
  ReplicationController: { metadata: ['spec', 'template', 'metadata'], spec: ['spec', 'template', 'spec'] },
  Job: { metadata: ['spec', 'template', 'metadata'], spec: ['spec', 'template', 'spec'] },
  DeploymentConfig: { metadata: ['spec', 'template', 'metadata'], spec: ['spec', 'template', 'spec'] },
  // As istioctl does, a CronJob's Pod metadata is read from and written to jobTemplate.metadata.
  CronJob: { metadata: ['spec', 'jobTemplate', 'metadata'], spec: ['spec', 'jobTemplate', 'spec', 'template', 'spec'] },
};

function getPath(o: Obj, path: readonly string[]): unknown {
  let cur: unknown = o;
  for (const p of path) cur = isMapping(cur) ? cur[p] : undefined;
  return cur;
}

function setPath(o: Obj, path: readonly string[], value: unknown): void {
  let cur = o;
  for (const p of path.slice(0, -1)) {
    if (!isMapping(cur[p])) cur[p] = {};
    cur = cur[p] as Obj;
  }
  cur[path[path.length - 1] as string] = value;
}

export interface PodTemplate {
  /** The Pod to inject: the workload's Pod template (or the Pod itself). */
  readonly pod: Obj;
  readonly namespace: string;
  readonly name: string;
  readonly kind: string;
  /** The workload, for non-Pod kinds (its name and kind feed the proxy's metadata). */
  readonly workload?: { name: string; namespace: string; kind: string; apiVersion: string };
  /** Writes an injected Pod back into a copy of the object. */
  readonly write: (pod: Obj) => Obj;
  /** Field paths of the Pod template's metadata and spec in the object (`spec.template.metadata`). */
  readonly paths: { readonly metadata: string; readonly spec: string };
}

/** The Pod template of a Pod or workload object, or undefined for other kinds. */
export function podTemplateOf(doc: Obj, defaultNamespace: string): PodTemplate | undefined {
  const kind = String(doc['kind'] ?? '');
  const where = Object.hasOwn(POD_TEMPLATES, kind) ? POD_TEMPLATES[kind] : undefined;
  const spec = where ? getPath(doc, where.spec) : undefined;
  if (!where || !isMapping(spec)) return undefined;
  const meta = isMapping(doc['metadata']) ? doc['metadata'] : {};
  const namespace = typeof meta['namespace'] === 'string' && meta['namespace'] ? meta['namespace'] : defaultNamespace;
  const podMeta = getPath(doc, where.metadata);
  const name = typeof meta['name'] === 'string' ? meta['name'] : '';
  const write = (pod: Obj): Obj => {
    const out = structuredClone(doc);
    setPath(out, where.metadata, pod['metadata'] ?? {});
    setPath(out, where.spec, pod['spec']);
    return out;
  };
  return {
    pod: { apiVersion: 'v1', kind: 'Pod', metadata: isMapping(podMeta) ? podMeta : {}, spec },
    namespace,
    name,
    kind,
    ...(kind === 'Pod' ? {} : { workload: { name, namespace, kind, apiVersion: String(doc['apiVersion'] ?? '') } }),
    write,
    paths: { metadata: where.metadata.join('.'), spec: where.spec.join('.') },
  };
}

export function describeObject(t: Pick<PodTemplate, 'kind' | 'namespace' | 'name'>): string {
  return `${t.kind} "${t.namespace ? `${t.namespace}/` : ''}${t.name}"`;
}
