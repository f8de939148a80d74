// Workload selectors that select nothing: the policy or configuration silently applies to no
// Pod (MG401), and Istio Gateways whose selector matches no gateway deployment (MG402). Only
// checked where the input holds workloads: a namespace without any says nothing.
import type { Finding } from '../codes.js';
import { finding, memo, names, ref, type Rule } from '../finding.js';
import { ISTIO, obj, stringMap, type Entry, type Model, type Workload } from '../model.js';

/** Where each kind keeps its workload selector (a label map). */
const SELECTORS: Readonly<Record<string, readonly string[]>> = {
  [`${ISTIO}/Sidecar`]: ['workloadSelector', 'labels'],
  [`${ISTIO}/DestinationRule`]: ['workloadSelector', 'matchLabels'],
  [`${ISTIO}/EnvoyFilter`]: ['workloadSelector', 'labels'],
  [`${ISTIO}/ServiceEntry`]: ['workloadSelector', 'labels'],
  'security.istio.io/AuthorizationPolicy': ['selector', 'matchLabels'],
  'security.istio.io/PeerAuthentication': ['selector', 'matchLabels'],
  'security.istio.io/RequestAuthentication': ['selector', 'matchLabels'],
  'telemetry.istio.io/Telemetry': ['selector', 'matchLabels'],
  'extensions.istio.io/WasmPlugin': ['selector', 'matchLabels'],
  '/Service': ['selector'],
};

const matches = (selector: Readonly<Record<string, string>>, w: Workload): boolean => Object.entries(selector).every(([k, v]) => w.labels[k] === v);

const text = (selector: Readonly<Record<string, string>>): string =>
  Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');

function noMatch(subject: Entry, model: Model): Finding[] {
  const where = SELECTORS[`${subject.group}/${subject.kind}`] ?? [];
  const selector = stringMap(where.reduce<unknown>((o, key) => obj(o)[key], subject.spec));
  if (Object.keys(selector).length === 0) return [];
  // A policy in the root namespace applies mesh-wide, and the input rarely holds the whole mesh.
  if (subject.namespace === model.options.rootNamespace && subject.kind !== 'Service') return [];
  const candidates = model.workloadsIn(subject.namespace);
  if (candidates.length === 0 || candidates.some((w) => matches(selector, w))) return [];
  const path = `spec.${where.join('.')}`;
  const what = subject.kind === 'Service' ? 'the Service has no endpoints' : `the ${subject.kind} applies to nothing`;
  return [
    finding(
      'MG401',
      `${path} (${text(selector)}) matches none of the workloads in ${subject.namespace} (${names(candidates.map((w) => w.entry.name))}); ${what}`,
      `use the labels of the Pods you mean (their template's metadata.labels), or label those Pods with ${text(selector)}`,
      [ref(subject, path)],
    ),
  ];
}

function gatewayNoMatch(gw: Entry, model: Model): Finding[] {
  const selector = stringMap(gw.spec['selector']);
  if (Object.keys(selector).length === 0) return [];
  const gateways = memo(model, 'gateway-workloads', () => model.workloads.filter((w) => w.gateway));
  if (gateways.length === 0 || model.workloads.some((w) => matches(selector, w))) return [];
  return [
    finding(
      'MG402',
      `spec.selector (${text(selector)}) matches no gateway workload (gateways in the input: ${names(gateways.map((w) => `${w.namespace}/${w.entry.name}`))}); no proxy serves this Gateway`,
      'use the labels of the gateway deployment’s Pods (e.g. istio: ingressgateway), or label the gateway Pods to match',
      [ref(gw, 'spec.selector')],
    ),
  ];
}

export const selectorRules: readonly Rule[] = [
  { kinds: Object.keys(SELECTORS), run: noMatch },
  { kinds: [`${ISTIO}/Gateway`], run: gatewayNoMatch },
];
