// The analyzer: what no single-object check can see, over many objects at once (Istio and
// Gateway API alike). Pure: objects in, findings out. Offline every object is checked against
// all the others; at admission one incoming object is checked against a cluster's cache.
import { atLeast, CODES, type Finding, type Severity } from './codes.js';
import type { Rule } from './finding.js';
import { buildModel, entryOf, kindKey, type Entry, type Model, type ModelOptions } from './model.js';
import { conflictRules } from './rules/conflicts.js';
import { gatewayReferenceRules } from './rules/gateway-refs.js';
import { istioReferenceRules } from './rules/istio-refs.js';
import { listenerSetRules } from './rules/listener-sets.js';
import { selectorRules } from './rules/selectors.js';
import { isMapping } from '../lib/json.js';

export { atLeast, CODES, SEVERITY_RANK } from './codes.js';
export type { Code, CodeInfo, Finding, FindingObject, Severity } from './codes.js';
export { buildModel, modelOf, entryOf } from './model.js';
export type { Entry, Model, ModelOptions } from './model.js';

const RULES: readonly Rule[] = [...istioReferenceRules, ...gatewayReferenceRules, ...listenerSetRules, ...conflictRules, ...selectorRules];

const BY_KIND: ReadonlyMap<string, readonly Rule[]> = (() => {
  const m = new Map<string, Rule[]>();
  for (const r of RULES) for (const k of r.kinds) m.set(k, [...(m.get(k) ?? []), r]);
  return m;
})();

export interface AnalyzeOptions {
  /** Namespace of objects that name none (default `default`). */
  readonly defaultNamespace?: string;
  /** Istio's root namespace (default `istio-system`). */
  readonly rootNamespace?: string;
  /** Kinds (`group/Kind`) the input holds completely (a cluster's cache). */
  readonly complete?: ReadonlySet<string>;
}

export function modelOptions(opts: AnalyzeOptions = {}): ModelOptions {
  return { defaultNamespace: opts.defaultNamespace ?? 'default', rootNamespace: opts.rootNamespace ?? 'istio-system', ...(opts.complete ? { complete: opts.complete } : {}) };
}

function check(subject: Entry, model: Model): Finding[] {
  return (BY_KIND.get(kindKey(subject.group, subject.kind)) ?? []).flatMap((r) => r.run(subject, model));
}

const SORT: readonly Severity[] = ['error', 'warning', 'info'];

/** Findings in input order of their first object, errors before warnings within one object. */
function ordered(findings: Finding[]): Finding[] {
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => (a.f.objects[0]?.index ?? -1) - (b.f.objects[0]?.index ?? -1) || SORT.indexOf(a.f.severity) - SORT.indexOf(b.f.severity) || a.i - b.i)
    .map(({ f }) => f);
}

/** Every finding over a set of objects (offline: files, directories, kustomize output). */
export function analyze(objects: readonly unknown[], opts: AnalyzeOptions = {}): Finding[] {
  const model = buildModel(objects, modelOptions(opts));
  return ordered(model.entries.flatMap((e) => check(e, model)));
}

/**
 * The findings about one object about to be stored, against a model of what is stored (a
 * cluster's cache). Other objects' findings are not reported: only this object is being applied.
 */
export function analyzeIncoming(model: Model, object: unknown, namespace: string): Finding[] {
  if (!isMapping(object)) return [];
  const subject = entryOf(object, -1, namespace || model.options.defaultNamespace);
  return subject ? check(subject, model) : [];
}

/** The kinds the analyzer reads (as subjects or as targets), for a cluster cache to hold. */
export const ANALYZED_KINDS: readonly string[] = [
  'networking.istio.io/VirtualService',
  'networking.istio.io/Gateway',
  'networking.istio.io/DestinationRule',
  'networking.istio.io/ServiceEntry',
  'networking.istio.io/Sidecar',
  'gateway.networking.k8s.io/Gateway',
  'gateway.networking.k8s.io/GatewayClass',
  'gateway.networking.k8s.io/ListenerSet',
  'gateway.networking.k8s.io/HTTPRoute',
  'gateway.networking.k8s.io/GRPCRoute',
  'gateway.networking.k8s.io/TLSRoute',
  'gateway.networking.k8s.io/TCPRoute',
  'gateway.networking.k8s.io/UDPRoute',
  'gateway.networking.k8s.io/ReferenceGrant',
  '/Service',
];

/** Findings at or above a severity. */
export function atOrAbove(findings: readonly Finding[], threshold: Severity): Finding[] {
  return findings.filter((f) => atLeast(f.severity, threshold));
}

export function codeList(): string {
  return Object.entries(CODES)
    .map(([code, info]) => `  ${code} ${info.name.padEnd(34)} ${info.severity.padEnd(7)} ${info.summary}`)
    .join('\n');
}
