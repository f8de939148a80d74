// Istio's `auto` decision for native sidecars (ENABLE_NATIVE_SIDECARS=auto): Kubernetes runs
// sidecar containers natively from 1.33, so the kubelet that will run the Pod must be that new.
//
//   Pod names a Node (spec.nodeName) that is known  → that Node's kubelet minor version ≥ 33
//   otherwise                                      → every Node's kubelet minor version ≥ 33
//                                                     (no Nodes at all: on)
//   a version that cannot be read                  → that Node counts as too old
//
// Only the minor version is compared, as Istio does (it reads segment [1] of the version).

export const NATIVE_SIDECAR_MIN_MINOR = 33;

export interface NativeDecision {
  readonly enabled: boolean;
  /** Why, in one sentence (logs, explain, check). */
  readonly why: string;
}

/** The minor version of a kubelet version such as v1.33.2 or v1.34.0-eks-1; undefined when unreadable. */
export function kubeletMinor(version: string): number | undefined {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.\d+)*(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/.exec(version.trim());
  if (!m) return undefined;
  return m[2] === undefined ? 0 : Number(m[2]);
}

function tooOld(name: string, version: string): string | undefined {
  const minor = kubeletMinor(version);
  if (minor === undefined) return `Node ${name} reports kubelet version "${version}", which cannot be read`;
  if (minor < NATIVE_SIDECAR_MIN_MINOR) return `Node ${name} runs kubelet ${version}, older than 1.${NATIVE_SIDECAR_MIN_MINOR}`;
  return undefined;
}

/** The decision for a Pod, given the kubelet version of every Node (name → version). */
export function nativeFromNodes(nodeName: string, kubelets: ReadonlyMap<string, string>): NativeDecision {
  const own = nodeName ? kubelets.get(nodeName) : undefined;
  if (nodeName && own !== undefined) {
    const problem = tooOld(nodeName, own);
    return problem ? { enabled: false, why: `${problem}, where the Pod is scheduled` } : { enabled: true, why: `the Pod's Node ${nodeName} runs kubelet ${own}` };
  }
  for (const [name, version] of kubelets) {
    const problem = tooOld(name, version);
    if (problem) return { enabled: false, why: `${problem}; native sidecars need every Node at 1.${NATIVE_SIDECAR_MIN_MINOR} or newer` };
  }
  return { enabled: true, why: kubelets.size === 0 ? 'the cluster has no Nodes yet' : `all ${kubelets.size} Nodes run kubelet 1.${NATIVE_SIDECAR_MIN_MINOR} or newer` };
}
