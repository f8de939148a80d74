// The analyzer's findings and their stable codes. A code never changes meaning: tools may
// filter on it. Codes are grouped by hundreds: 1xx Istio references, 2xx Gateway API
// references, 3xx conflicts, 4xx selectors.

export type Severity = 'error' | 'warning' | 'info';

export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { info: 0, warning: 1, error: 2 };

export interface CodeInfo {
  readonly name: string;
  readonly severity: Severity;
  /** What the code means, for `meshgate analyze --help` and the docs. */
  readonly summary: string;
}

export const CODES = {
  MG101: { name: 'VirtualServiceGatewayNotFound', severity: 'error', summary: 'a VirtualService names an Istio Gateway that does not exist' },
  MG102: { name: 'DestinationHostNotFound', severity: 'error', summary: 'a route sends traffic to a host no Service or ServiceEntry provides' },
  MG103: { name: 'DestinationSubsetNotFound', severity: 'error', summary: 'a route names a subset no DestinationRule for its host defines' },
  MG104: { name: 'VirtualServiceHostNotInGateway', severity: 'warning', summary: 'a VirtualService host is not served by any server of the Gateway it is bound to' },
  MG201: { name: 'ParentRefNotFound', severity: 'error', summary: 'a route (or ListenerSet) attaches to a Gateway, ListenerSet or Service that does not exist' },
  MG202: { name: 'ListenerNotFound', severity: 'error', summary: "a parentRef's sectionName or port matches no listener of its parent" },
  MG203: { name: 'RouteNotAllowedByListener', severity: 'error', summary: 'no listener of the parent accepts the route (its kind, namespace or hostnames)' },
  MG204: { name: 'BackendNotFound', severity: 'error', summary: 'a backendRef names a Service that does not exist' },
  MG205: { name: 'BackendPortNotFound', severity: 'error', summary: 'a backendRef names a port its Service does not have' },
  MG206: { name: 'ReferenceNotPermitted', severity: 'error', summary: 'a reference to another namespace has no ReferenceGrant allowing it' },
  MG207: { name: 'GatewayClassNotFound', severity: 'warning', summary: 'a Gateway names a GatewayClass that does not exist' },
  MG208: { name: 'ListenerSetNotAllowed', severity: 'error', summary: 'a ListenerSet attaches to a Gateway whose allowedListeners does not admit it' },
  MG301: { name: 'VirtualServiceHostConflict', severity: 'error', summary: 'two VirtualServices claim the same host for the mesh (sidecars); only one is used' },
  MG302: {
    name: 'GatewayVirtualServiceHostConflict',
    severity: 'warning',
    summary: 'two VirtualServices claim the same host on one Gateway; their routes are merged in no defined order',
  },
  MG303: { name: 'SidecarSelectorOverlap', severity: 'warning', summary: 'two Sidecars in a namespace can select the same workload; which one applies is not defined' },
  MG304: { name: 'MultipleDefaultSidecars', severity: 'error', summary: 'a namespace has more than one Sidecar without a workloadSelector' },
  MG305: { name: 'ListenerConflict', severity: 'error', summary: 'listeners of a Gateway and its ListenerSets conflict on a port (protocol or hostname)' },
  MG401: { name: 'SelectorMatchesNoWorkload', severity: 'warning', summary: 'a workload selector matches no workload in its namespace' },
  MG402: { name: 'GatewaySelectorMatchesNoWorkload', severity: 'warning', summary: "an Istio Gateway's selector matches no gateway workload" },
} as const satisfies Readonly<Record<string, CodeInfo>>;

export type Code = keyof typeof CODES;

/** One object taking part in a finding, and the field of it that matters. */
export interface FindingObject {
  /** Position of the object in the analyzer's input (undefined for the object under admission). */
  readonly index?: number;
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** Field path, e.g. `spec.http[0].route[1].destination.subset`; empty for the whole object. */
  readonly path: string;
}

export interface Finding {
  readonly code: Code;
  readonly name: string;
  readonly severity: Severity;
  /** What is wrong, in one sentence. */
  readonly message: string;
  /** How to fix it, in one sentence. */
  readonly fix: string;
  /** The object with the problem first, then the others involved. */
  readonly objects: readonly FindingObject[];
}

export function atLeast(severity: Severity, threshold: Severity): boolean {
  return SEVERITY_RANK[severity] >= SEVERITY_RANK[threshold];
}
