// How an Istio policy picks the workloads it applies to: a `selector` with matchLabels
// (istio.type.v1beta1.WorkloadSelector), a `targetRef`, or a list of `targetRefs`
// (istio.type.v1beta1.PolicyTargetReference). Used by AuthorizationPolicy,
// RequestAuthentication, PeerAuthentication, Telemetry, ProxyConfig and WasmPlugin.
import { at, type Collector } from '../issues.js';
import { checkWorkloadSelector } from './selectors.js';
import { asArray, asMapping, asString, type Mapping } from '../../lib/json.js';

const MAX_LABELS = 4096;
const MAX_LABEL_VALUE = 63;
const MAX_TARGET_REFS = 16;
const GROUP_PATTERN = /^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const KIND_PATTERN = /^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;

/** The kinds a policy may target, by canonical group (core for the empty group). */
const TARGETABLE: Readonly<Record<string, readonly string[]>> = {
  core: ['Service'],
  'networking.istio.io': ['ServiceEntry'],
  'gateway.networking.k8s.io': ['Gateway', 'GatewayClass'],
};
const TARGETABLE_TEXT = 'a Service, a ServiceEntry (networking.istio.io), or a Gateway or GatewayClass (gateway.networking.k8s.io)';

export interface AttachmentOptions {
  /** The kind accepts targetRef/targetRefs besides selector. */
  readonly targetRefs: boolean;
}

/** Checks selector, targetRef and targetRefs of `spec`, and that at most one of them is set. */
export function checkPolicyAttachment(spec: Mapping, c: Collector, opts: AttachmentOptions): void {
  checkWorkloadSelector(c, 'spec.selector', spec['selector'], { field: 'matchLabels', kindWord: 'workload' });
  checkLabelLimits(spec['selector'], 'spec.selector', c);
  if (!opts.targetRefs) return;
  checkTargetRef(spec['targetRef'], 'spec.targetRef', c);
  asArray(spec['targetRefs']).forEach((ref, i) => checkTargetRef(ref, at('spec.targetRefs', i), c));
  const refs = spec['targetRefs'];
  if (Array.isArray(refs) && refs.length > MAX_TARGET_REFS) {
    c.error('spec.targetRefs', `may list at most ${MAX_TARGET_REFS} targets; it lists ${refs.length}`);
  }
  checkOneOf(spec, c);
}

function checkOneOf(spec: Mapping, c: Collector): void {
  const refs = spec['targetRefs'];
  const set = [
    spec['selector'] != null ? 'selector' : undefined,
    spec['targetRef'] != null ? 'targetRef' : undefined,
    Array.isArray(refs) && refs.length > 0 ? 'targetRefs' : undefined,
  ].filter((k): k is string => k !== undefined);
  if (set.length <= 1) return;
  const last = set[set.length - 1] as string;
  c.error(at('spec', last), `set only one of selector, targetRef and targetRefs; this policy sets ${set.join(' and ')}`);
}

/** The CRD's size limits on matchLabels; empty keys and wildcards are checked in selectors.ts. */
function checkLabelLimits(selector: unknown, path: string, c: Collector): void {
  const labels = asMapping(asMapping(selector)?.['matchLabels']);
  if (!labels) return;
  const base = at(path, 'matchLabels');
  const keys = Object.keys(labels);
  if (keys.length > MAX_LABELS) c.error(base, `may have at most ${MAX_LABELS} labels; it has ${keys.length}`);
  for (const key of keys) {
    const value = asString(labels[key]);
    if (value !== undefined && value.length > MAX_LABEL_VALUE) {
      c.error(at(base, key), `label value is ${value.length} characters long; at most ${MAX_LABEL_VALUE} are allowed`);
    }
  }
}

/** One policy target reference: pattern, length and same-namespace rules, and a targetable kind. */
export function checkTargetRef(value: unknown, path: string, c: Collector): void {
  const ref = asMapping(value);
  if (!ref) return;
  const group = asString(ref['group']) ?? '';
  const kind = asString(ref['kind']);
  const name = asString(ref['name']);
  const namespace = asString(ref['namespace']);
  const badGroup = group.length > 253 || !GROUP_PATTERN.test(group);
  if (badGroup) c.error(at(path, 'group'), `"${group}" is not a valid API group (lower-case DNS name, at most 253 characters)`);
  const badKind = kind !== undefined && (kind.length > 63 || !KIND_PATTERN.test(kind));
  if (badKind) c.error(at(path, 'kind'), `"${kind}" is not a valid kind (letters, digits and dashes, starting with a letter)`);
  if (name !== undefined && (name.length === 0 || name.length > 253)) {
    c.error(at(path, 'name'), name.length === 0 ? 'must not be empty' : 'must be at most 253 characters long');
  }
  if (namespace) c.error(at(path, 'namespace'), 'must be empty: a policy can only target resources in its own namespace');
  if (kind !== undefined && !badGroup && !badKind) checkTargetable(group, kind, path, c);
}

function checkTargetable(group: string, kind: string, path: string, c: Collector): void {
  const kinds = TARGETABLE[group === '' ? 'core' : group];
  if (kinds?.includes(kind)) return;
  const where = kinds ? at(path, 'kind') : at(path, 'group');
  c.error(where, `a policy can target only ${TARGETABLE_TEXT}; got group "${group}", kind "${kind}"`);
}
