// Which API groups, versions and kinds exist, as kubectl would know them: the kinds the CRDs
// define (the validator's CRD set, src/validate/registry.ts — the bundled CRDs, those of
// --crds, or the cluster's) and the built-in Kubernetes 1.36 APIs. Everything that asks "does
// this kind exist?" goes through lookupKind, so the CRDs are the one source of truth for the
// Istio and Gateway API kinds: a group a CRD defines is complete, and a kind outside it is a typo.
import type { ServedKind } from './crd/crd-set.js';

/** The kinds a validator's CRDs define, with their served versions (Validators.kinds()). */
export interface KindSource {
  kinds(): readonly ServedKind[];
}

type Table = Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;

/**
 * Built-in Kubernetes kinds and the versions a 1.36 API server serves. Only kinds listed here
 * have their version checked; other kinds of these groups are reported as not checked, never
 * as errors, so a kind newer than this table is not refused.
 */
const KUBERNETES_KINDS: Table = {
  '': Object.fromEntries(
    [
      'ConfigMap',
      'Endpoints',
      'Event',
      'LimitRange',
      'Namespace',
      'Node',
      'PersistentVolume',
      'PersistentVolumeClaim',
      'Pod',
      'PodTemplate',
      'ReplicationController',
      'ResourceQuota',
      'Secret',
      'Service',
      'ServiceAccount',
    ].map((k) => [k, ['v1']]),
  ),
  apps: Object.fromEntries(['ControllerRevision', 'DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet'].map((k) => [k, ['v1']])),
  batch: { Job: ['v1'], CronJob: ['v1'] },
  autoscaling: { HorizontalPodAutoscaler: ['v1', 'v2'] },
  policy: { PodDisruptionBudget: ['v1'] },
  'networking.k8s.io': { Ingress: ['v1'], IngressClass: ['v1'], NetworkPolicy: ['v1'] },
  'rbac.authorization.k8s.io': Object.fromEntries(['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'].map((k) => [k, ['v1']])),
  'admissionregistration.k8s.io': {
    MutatingWebhookConfiguration: ['v1'],
    ValidatingWebhookConfiguration: ['v1'],
    ValidatingAdmissionPolicy: ['v1'],
    ValidatingAdmissionPolicyBinding: ['v1'],
  },
  'apiextensions.k8s.io': { CustomResourceDefinition: ['v1'] },
  'coordination.k8s.io': { Lease: ['v1'] },
  'storage.k8s.io': { StorageClass: ['v1'], CSIDriver: ['v1'], CSINode: ['v1'], VolumeAttachment: ['v1'] },
  'scheduling.k8s.io': { PriorityClass: ['v1'] },
  'discovery.k8s.io': { EndpointSlice: ['v1'] },
  'certificates.k8s.io': { CertificateSigningRequest: ['v1'] },
  'node.k8s.io': { RuntimeClass: ['v1'] },
  // Removed in Kubernetes 1.16 to 1.22: every kind of this group is served elsewhere now.
  extensions: Object.fromEntries(['DaemonSet', 'Deployment', 'Ingress', 'NetworkPolicy', 'ReplicaSet'].map((k) => [k, []])),
};

/** The built-in groups, including those whose kinds the table does not list. */
const KUBERNETES_GROUPS: ReadonlySet<string> = new Set([
  ...Object.keys(KUBERNETES_KINDS),
  'authentication.k8s.io',
  'authorization.k8s.io',
  'flowcontrol.apiserver.k8s.io',
  'internal.apiserver.k8s.io',
  'resource.k8s.io',
  'storagemigration.k8s.io',
]);

export type KindLookup =
  /** A kind a CRD defines, in one of its served versions. */
  | { readonly status: 'crd'; readonly group: string; readonly version: string }
  /** A built-in Kubernetes kind (listed or not) in a version that is not known to be gone. */
  | { readonly status: 'kubernetes'; readonly group: string; readonly version: string }
  /** A group no CRD defines and Kubernetes does not have (another project's CRDs). */
  | { readonly status: 'foreign'; readonly group: string; readonly version: string }
  /** A known kind in a version that is not served (by its CRD, or by Kubernetes any more). */
  | { readonly status: 'unknown-version'; readonly group: string; readonly version: string; readonly served: readonly string[]; readonly by: 'crd' | 'kubernetes' }
  /** A kind that does not exist in a group the CRDs define. */
  | { readonly status: 'unknown-kind'; readonly group: string; readonly version: string; readonly suggestion?: string };

/** `networking.istio.io/v1` → [`networking.istio.io`, `v1`]; `v1` (core) → [``, `v1`]. */
export function splitApiVersion(apiVersion: string): [string, string] {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? ['', apiVersion] : [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)];
}

function own(table: Table, group: string): Readonly<Record<string, readonly string[]>> | undefined {
  return Object.hasOwn(table, group) ? table[group] : undefined;
}

/** Levenshtein distance, for "did you mean" on mistyped kinds. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = row;
  }
  return prev[b.length] ?? 0;
}

function closest(kind: string, kinds: readonly string[]): string | undefined {
  const ranked = kinds.map((k) => ({ k, d: k.toLowerCase() === kind.toLowerCase() ? 0 : distance(kind.toLowerCase(), k.toLowerCase()) })).sort((x, y) => x.d - y.d);
  const best = ranked[0];
  return best && best.d <= Math.max(2, Math.floor(kind.length / 4)) ? best.k : undefined;
}

const VERSION = /^v(\d+)(?:(alpha|beta)(\d+))?$/;

/** Kubernetes' version priority: GA before beta before alpha, higher numbers first (v1, v1beta1, v1alpha3). */
export function compareVersions(a: string, b: string): number {
  const rank = (v: string): [number, number, number] => {
    const m = VERSION.exec(v);
    if (!m) return [3, 0, 0];
    const level = m[2] === undefined ? 0 : m[2] === 'beta' ? 1 : 2;
    return [level, -Number(m[1]), -Number(m[3] ?? 0)];
  };
  const [x, y] = [rank(a), rank(b)];
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2] || a.localeCompare(b);
}

/** group → kind → served versions (in priority order), built once per CRD set. */
type Index = ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>;

const indexes = new WeakMap<KindSource, Index>();

function indexOf(source: KindSource): Index {
  const hit = indexes.get(source);
  if (hit) return hit;
  const index = new Map<string, Map<string, readonly string[]>>();
  for (const k of source.kinds()) {
    const kinds = index.get(k.group) ?? new Map<string, readonly string[]>();
    kinds.set(k.kind, [...k.versions].sort(compareVersions));
    index.set(k.group, kinds);
  }
  indexes.set(source, index);
  return index;
}

/** Whether the kind exists in this apiVersion, and what kind of API it belongs to. */
export function lookupKind(source: KindSource, apiVersion: string, kind: string): KindLookup {
  const [group, version] = splitApiVersion(apiVersion);
  const defined = indexOf(source).get(group);
  if (defined) {
    const served = defined.get(kind);
    if (!served) {
      const suggestion = closest(kind, [...defined.keys()]);
      return { status: 'unknown-kind', group, version, ...(suggestion ? { suggestion } : {}) };
    }
    return served.includes(version) ? { status: 'crd', group, version } : { status: 'unknown-version', group, version, served, by: 'crd' };
  }
  if (!KUBERNETES_GROUPS.has(group)) return { status: 'foreign', group, version };
  const builtin = own(KUBERNETES_KINDS, group);
  const served = builtin && Object.hasOwn(builtin, kind) ? builtin[kind] : undefined;
  if (served && !served.includes(version)) return { status: 'unknown-version', group, version, served, by: 'kubernetes' };
  return { status: 'kubernetes', group, version };
}

/** `Gateway.networking.istio.io` — the kind with its group, as kubectl accepts it; core kinds stay bare. */
export function qualifiedKind(apiVersion: string, kind: string): string {
  const [group] = splitApiVersion(apiVersion);
  return group === '' ? kind : `${kind}.${group}`;
}
