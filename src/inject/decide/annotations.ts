// The annotations whose values Istio validates before injecting (a bad value denies the Pod),
// as a table: annotation → short setting name and check. All bad annotations are reported.
import { own } from '../../lib/json.js';
import { parseProxyConfig } from '../settings/proxyconfig.js';
import { checkBool, checkCidrList, checkCidrListOrStar, checkInterfaces, checkPort, checkPortList, checkPortListOrStar, checkQuantity, checkUint32 } from '../settings/syntax.js';

interface AnnotationRule {
  /** The setting's short name, as Istio's values and error messages call it. */
  readonly setting: string;
  readonly check: (value: string) => string | undefined;
}

const oneOf =
  (...allowed: string[]) =>
  (v: string): string | undefined =>
    allowed.includes(v) ? undefined : `"${v}" is not one of ${allowed.join(', ')}`;

const noControl =
  (check: (v: string) => string | undefined) =>
  (v: string): string | undefined =>
    /[\u0000-\u001f\u007f]/.test(v) ? `${JSON.stringify(v)} contains control characters` : check(v);

const proxyConfig = (v: string): string | undefined => {
  const r = parseProxyConfig(v);
  return typeof r === 'string' ? r : undefined;
};

export const ANNOTATION_RULES: Readonly<Record<string, AnnotationRule>> = {
  'proxy.istio.io/config': { setting: 'proxyConfig', check: proxyConfig },
  'sidecar.istio.io/interceptionMode': { setting: 'interceptionMode', check: oneOf('REDIRECT', 'TPROXY', 'NONE') },
  'sidecar.istio.io/proxyCPU': { setting: 'proxyCPU', check: noControl(checkQuantity) },
  'sidecar.istio.io/proxyMemory': { setting: 'proxyMemory', check: noControl(checkQuantity) },
  'sidecar.istio.io/proxyCPULimit': { setting: 'proxyCPULimit', check: noControl(checkQuantity) },
  'sidecar.istio.io/proxyMemoryLimit': { setting: 'proxyMemoryLimit', check: noControl(checkQuantity) },
  'status.sidecar.istio.io/port': { setting: 'statusPort', check: checkPort },
  'readiness.status.sidecar.istio.io/initialDelaySeconds': { setting: 'readinessInitialDelaySeconds', check: checkUint32 },
  'readiness.status.sidecar.istio.io/periodSeconds': { setting: 'readinessPeriodSeconds', check: checkUint32 },
  'readiness.status.sidecar.istio.io/failureThreshold': { setting: 'readinessFailureThreshold', check: checkUint32 },
  'traffic.sidecar.istio.io/includeOutboundIPRanges': { setting: 'includeIPRanges', check: checkCidrListOrStar },
  'traffic.sidecar.istio.io/excludeOutboundIPRanges': { setting: 'excludeIPRanges', check: checkCidrList },
  'traffic.sidecar.istio.io/includeInboundPorts': { setting: 'includeInboundPorts', check: checkPortListOrStar },
  'traffic.sidecar.istio.io/excludeInboundPorts': { setting: 'excludeInboundPorts', check: checkPortList },
  'traffic.sidecar.istio.io/excludeOutboundPorts': { setting: 'excludeOutboundPorts', check: checkPortList },
  'traffic.sidecar.istio.io/excludeInterfaces': { setting: 'excludeInterfaces', check: checkInterfaces },
  'traffic.sidecar.istio.io/kubevirtInterfaces': { setting: 'kubevirtInterfaces', check: checkInterfaces },
  'istio.io/reroute-virtual-interfaces': { setting: 'rerouteVirtualInterfaces', check: checkInterfaces },
  'prometheus.istio.io/merge-metrics': { setting: 'mergeMetrics', check: checkBool },
};

export interface AnnotationProblem {
  readonly annotation: string;
  readonly value: string;
  readonly message: string;
}

/** Every annotation with a bad value, sorted by name; empty when all are acceptable. */
export function validateAnnotations(annotations: Readonly<Record<string, string>>): AnnotationProblem[] {
  const problems: AnnotationProblem[] = [];
  for (const name of Object.keys(annotations).sort()) {
    const rule = own(ANNOTATION_RULES, name);
    if (!rule) continue;
    const value = annotations[name] as string;
    const why = rule.check(value);
    if (why) problems.push({ annotation: name, value, message: `annotation ${name} (${rule.setting}): ${why}` });
  }
  return problems;
}
