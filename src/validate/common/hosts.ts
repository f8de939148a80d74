// Host names the way Istio reads them: DNS labels compared without regard to case, a wildcard
// only as (or in front of) the first label, and the `namespace/host` form of Sidecar egress and
// Gateway server hosts. Every function returns why a value is wrong, or undefined.
import { memoized } from './memo.js';
import { isIP } from './net.js';

const LABEL = /^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const WILDCARD_LABEL = /^(?:\*|(?:\*|\*-)?[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?)$/;
const MAX_LABEL = 63;
const MAX_HOST = 255;
const INT64_MAX = 9223372036854775807n;

/** A DNS-1123 label in Istio's sense: letters (any case), digits and inner dashes, at most 63. */
export function isLabel(text: string): boolean {
  return text.length <= MAX_LABEL && LABEL.test(text);
}

/** `*`, `*foo`, `*-foo` or a plain label: what Istio accepts as the first label of a host. */
export function isWildcardLabel(text: string): boolean {
  return text.length <= MAX_LABEL && WILDCARD_LABEL.test(text);
}

/** Go's strconv.Atoi succeeds: Istio refuses a top-level label that parses as a number. */
function isNumeric(label: string): boolean {
  if (!/^[+-]?\d+$/.test(label)) return false;
  const digits = label.replace(/^[+-]/, '');
  return BigInt(digits) <= INT64_MAX;
}

function lengthProblem(host: string): string | undefined {
  if (host.length === 0) return 'a host name must not be empty';
  if (host.length > MAX_HOST) return `"${host.slice(0, 40)}…" is longer than ${MAX_HOST} characters`;
  return undefined;
}

/** Labels separated by dots; a trailing dot is allowed; the last label may not be all digits. */
function labelsProblem(host: string, shown: string): string | undefined {
  const labels = host.split('.');
  const last = labels[labels.length - 1] ?? '';
  if (isNumeric(last)) return `"${shown}" ends in the all-numeric label "${last}"; a domain name needs a non-numeric top-level label`;
  for (const [i, label] of labels.entries()) {
    if (i === labels.length - 1 && label === '') return undefined;
    if (!isLabel(label)) return labelMessage(shown, label);
  }
  return undefined;
}

function labelMessage(host: string, label: string): string {
  return `"${host}" has an invalid label "${label}" (labels are 1-63 letters, digits or dashes, not starting or ending with a dash)`;
}

/** A fully qualified name without wildcards (`foo.example.com`, `foo`, `foo.example.com.`). */
export const fqdnProblem = memoized((host: string): string | undefined => lengthProblem(host) ?? labelsProblem(host, host));

/** Like fqdnProblem, but the first label may be a wildcard (`*`, `*.example.com`, `*foo.com`). */
export const wildcardHostProblem = memoized(wildcardProblem);

function wildcardProblem(host: string): string | undefined {
  const long = lengthProblem(host);
  if (long) return long;
  const dot = host.indexOf('.');
  const first = dot < 0 ? host : host.slice(0, dot);
  if (!isWildcardLabel(first)) {
    if (first.includes('*')) return `"${host}" has a wildcard in the wrong place; "*" may only stand for (or start) the first label, as in "*.example.com"`;
    return labelMessage(host, first);
  }
  return dot < 0 ? undefined : labelsProblem(host.slice(dot + 1), host);
}

/** `*` must stand alone or as the whole first label (`*.example.com`); `*foo.com` is partial. */
export function partialWildcardProblem(host: string): string | undefined {
  if (host.includes('*') && host.length !== 1 && !host.startsWith('*.')) {
    return `"${host}" uses a partial wildcard; "*" may only be the whole first label, as in "*.example.com"`;
  }
  return undefined;
}

function isWildcarded(host: string): boolean {
  return host.startsWith('*');
}

/** Istio's host.Name.Matches: the two names (wildcards included) select at least one common host. */
export function hostsOverlap(a: string, b: string): boolean {
  if (isWildcarded(a) && isWildcarded(b)) {
    return a.length < b.length ? b.slice(1).endsWith(a.slice(1)) : a.slice(1).endsWith(b.slice(1));
  }
  if (isWildcarded(a)) return b.endsWith(a.slice(1));
  if (isWildcarded(b)) return a.endsWith(b.slice(1));
  return a === b;
}

/** Istio's host.Name.SubsetOf: every host `a` selects is also selected by `b`. */
export function hostIsSubsetOf(a: string, b: string): boolean {
  if (isWildcarded(a)) return isWildcarded(b) && a.length >= b.length && a.slice(1).endsWith(b.slice(1));
  if (isWildcarded(b)) return a.endsWith(b.slice(1));
  return a === b;
}

export interface NamespacedHostOptions {
  /** Gateway servers accept a bare host and IP addresses; Sidecar egress hosts need `ns/host`. */
  readonly gateway: boolean;
}

/** The host part of `ns/host`: a dotted (non-short) name, wildcard-friendly, never partial. */
function hostPartProblems(host: string, gateway: boolean): string[] {
  // Gateway servers accept IP addresses, IPv6 ones (which have no dot) included.
  if (gateway && isIP(host)) return [];
  const out: string[] = [];
  if (host !== '*' && !host.includes('.')) {
    out.push(`"${host}" is a short name; use a fully qualified name such as "${host || 'svc'}.namespace.svc.cluster.local" or "*"`);
  }
  const bad = wildcardHostProblem(host);
  if (bad) out.push(bad);
  const partial = partialWildcardProblem(host);
  if (partial) out.push(partial);
  return out;
}

function namespacePartProblem(ns: string, gateway: boolean): string | undefined {
  const special = gateway ? ['*', '.'] : ['*', '.', '~'];
  if (special.includes(ns) || isLabel(ns)) return undefined;
  // Sidecars may exclude a namespace with `~name/...`.
  if (!gateway && ns.startsWith('~') && isLabel(ns.slice(1))) return undefined;
  const allowed = gateway ? '"*", "." or a namespace name' : '"*", ".", "~", "~namespace" or a namespace name';
  return `"${ns}" is not a valid namespace; use ${allowed}`;
}

/** Problems with a Sidecar egress host or Gateway server host (`namespace/dnsName` or, for gateways, `dnsName`). */
export function namespacedHostProblems(value: string, opts: NamespacedHostOptions): string[] {
  const slash = value.indexOf('/');
  if (slash < 0) {
    if (opts.gateway) return hostPartProblems(value, true);
    return [`"${value}" must have the form namespace/host, such as "./*", "istio-system/*" or "*/foo.example.com"`];
  }
  const ns = value.slice(0, slash);
  const host = value.slice(slash + 1);
  const out: string[] = [];
  if (ns === '' || host === '') out.push(`"${value}" needs both a namespace and a host around the "/"`);
  const nsProblem = namespacePartProblem(ns, opts.gateway);
  if (nsProblem && ns !== '') out.push(nsProblem);
  return [...out, ...hostPartProblems(host, opts.gateway)];
}
