// Ambient-labelled Pods and namespaces (istio.io/dataplane-mode=ambient). Istio's injector does
// nothing special with them: its decision (injectRequired) and its templates never read the
// label, and its webhook selectors do not mention it, so a Pod that a webhook entry selects is
// injected all the same. Istio's CNI then leaves a Pod that carries a sidecar out of ambient
// (ztunnel and a sidecar on one Pod are not supported), so the Pod runs in sidecar mode. meshgate
// does the same, and says so.

export const DATAPLANE_MODE = 'istio.io/dataplane-mode';

/** Which of the Pod and its namespace are labelled ambient, or undefined for neither. */
export function ambientSource(podLabels: Readonly<Record<string, string>>, namespaceLabels?: Readonly<Record<string, string>>): 'Pod' | 'namespace' | undefined {
  if (podLabels[DATAPLANE_MODE] === 'ambient') return 'Pod';
  if (namespaceLabels?.[DATAPLANE_MODE] === 'ambient') return 'namespace';
  return undefined;
}

/** The warning for an injected Pod that ambient would otherwise capture. */
export function ambientNote(source: 'Pod' | 'namespace'): string {
  return `the ${source} is labelled ${DATAPLANE_MODE}=ambient: the sidecar is injected all the same, as Istio's injector does, and Istio's CNI leaves a Pod with a sidecar out of ambient, so this Pod runs in sidecar mode; label the Pod sidecar.istio.io/inject=false to run it in ambient mode instead`;
}
