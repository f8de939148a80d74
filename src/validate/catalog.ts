// Which API groups, versions and kinds exist, as kubectl would know them from a cluster with
// Istio's and Gateway API's CRDs installed (Istio 1.31, Gateway API v1.6.3 experimental
// channel) and the built-in Kubernetes 1.36 APIs. Everything that asks "does this kind exist?"
// goes through lookupKind, so a CRD registry can replace this table in one place.

/** The API groups whose every kind meshgate is expected to know: a kind outside the table is a typo. */
export const MESH_GROUPS: ReadonlySet<string> = new Set([
  'networking.istio.io',
  'security.istio.io',
  'telemetry.istio.io',
  'extensions.istio.io',
  'gateway.networking.k8s.io',
  'gateway.networking.x-k8s.io',
]);

type Table = Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;

const ISTIO_NETWORKING = ['v1', 'v1beta1', 'v1alpha3'];

/** group → kind → served versions, for the mesh CRDs (served versions of the pinned bundles). */
const MESH_KINDS: Table = {
  'networking.istio.io': {
    VirtualService: ISTIO_NETWORKING,
    DestinationRule: ISTIO_NETWORKING,
    Gateway: ISTIO_NETWORKING,
    ServiceEntry: ISTIO_NETWORKING,
    Sidecar: ISTIO_NETWORKING,
    WorkloadEntry: ISTIO_NETWORKING,
    WorkloadGroup: ISTIO_NETWORKING,
    EnvoyFilter: ['v1alpha3'],
    ProxyConfig: ['v1beta1'],
  },
  'security.istio.io': {
    AuthorizationPolicy: ['v1', 'v1beta1'],
    PeerAuthentication: ['v1', 'v1beta1'],
    RequestAuthentication: ['v1', 'v1beta1'],
  },
  'telemetry.istio.io': { Telemetry: ['v1', 'v1alpha1'] },
  'extensions.istio.io': { WasmPlugin: ['v1alpha1'], TrafficExtension: ['v1alpha1'] },
  'gateway.networking.k8s.io': {
    GatewayClass: ['v1', 'v1beta1'],
    Gateway: ['v1', 'v1beta1'],
    HTTPRoute: ['v1', 'v1beta1'],
    GRPCRoute: ['v1'],
    ReferenceGrant: ['v1', 'v1beta1'],
    BackendTLSPolicy: ['v1', 'v1alpha3'],
    ListenerSet: ['v1'],
    TCPRoute: ['v1', 'v1alpha2'],
    TLSRoute: ['v1', 'v1alpha2', 'v1alpha3'],
    UDPRoute: ['v1', 'v1alpha2'],
  },
  'gateway.networking.x-k8s.io': { XBackend: ['v1alpha1'], XBackendTrafficPolicy: ['v1alpha1'], XMesh: ['v1alpha1'] },
};

/**
 * Built-in Kubernetes kinds and the versions a 1.36 API server serves. Only kinds listed here
 * have their version checked; other kinds of these groups are reported as not checked, never
 * as errors, so a kind newer than this table is not refused.
 */
const KUBERNETES_KINDS: Table = {
  '': Object.fromEntries(
    ['ConfigMap', 'Endpoints', 'Event', 'LimitRange', 'Namespace', 'Node', 'PersistentVolume', 'PersistentVolumeClaim', 'Pod', 'PodTemplate', 'ReplicationController', 'ResourceQuota', 'Secret', 'Service', 'ServiceAccount'].map((k) => [k, ['v1']]),
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
  /** A kind of a mesh CRD in one of its served versions. */
  | { readonly status: 'mesh'; readonly group: string; readonly version: string }
  /** A built-in Kubernetes kind (listed or not) in a version that is not known to be gone. */
  | { readonly status: 'kubernetes'; readonly group: string; readonly version: string }
  /** A group meshgate knows nothing about (another project's CRDs). */
  | { readonly status: 'foreign'; readonly group: string; readonly version: string }
  /** A known kind in a version that is not served. */
  | { readonly status: 'unknown-version'; readonly group: string; readonly version: string; readonly served: readonly string[] }
  /** A kind that does not exist in a mesh group. */
  | { readonly status: 'unknown-kind'; readonly group: string; readonly version: string; readonly suggestion?: string };

/** `networking.istio.io/v1` → [`networking.istio.io`, `v1`]; `v1` (core) → [``, `v1`]. */
export function splitApiVersion(apiVersion: string): [string, string] {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? ['', apiVersion] : [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)];
}

function own(table: Table, group: string): Readonly<Record<string, readonly string[]>> | undefined {
  return Object.prototype.hasOwnProperty.call(table, group) ? table[group] : undefined;
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

/** Whether the kind exists in this apiVersion, and what kind of API it belongs to. */
export function lookupKind(apiVersion: string, kind: string): KindLookup {
  const [group, version] = splitApiVersion(apiVersion);
  const mesh = own(MESH_KINDS, group);
  if (mesh) {
    const served = Object.prototype.hasOwnProperty.call(mesh, kind) ? mesh[kind] : undefined;
    if (!served) {
      const suggestion = closest(kind, Object.keys(mesh));
      return { status: 'unknown-kind', group, version, ...(suggestion ? { suggestion } : {}) };
    }
    return served.includes(version) ? { status: 'mesh', group, version } : { status: 'unknown-version', group, version, served };
  }
  if (!KUBERNETES_GROUPS.has(group)) return { status: 'foreign', group, version };
  const builtin = own(KUBERNETES_KINDS, group);
  const served = builtin && Object.prototype.hasOwnProperty.call(builtin, kind) ? builtin[kind] : undefined;
  if (served && !served.includes(version)) return { status: 'unknown-version', group, version, served };
  return { status: 'kubernetes', group, version };
}

/** The kinds of a mesh group (for messages and tests). */
export function meshKinds(group: string): readonly string[] {
  return Object.keys(own(MESH_KINDS, group) ?? {});
}

/** `Gateway.networking.istio.io` — the kind with its group, as kubectl accepts it; core kinds stay bare. */
export function qualifiedKind(apiVersion: string, kind: string): string {
  const [group] = splitApiVersion(apiVersion);
  return group === '' ? kind : `${kind}.${group}`;
}
