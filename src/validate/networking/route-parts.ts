// Pieces of routing rules that several places share: destinations, string matches, header
// manipulation, gateway references and percentages.
import { headerEditProblem, headerValueProblem, requestHeaderWriteProblem } from '../common/headers.js';
import { fqdnProblem, isLabel, wildcardHostProblem } from '../common/hosts.js';
import { portNumberProblem } from '../common/ports.js';
import { regexProblem } from '../common/regex.js';
import { asArray, asNumber, asMapping, asString, isMapping, type Mapping } from '../../lib/json.js';
import { at, type Collector } from '../issues.js';

/** Envoy rejects larger regular expressions (Istio approximates RE2's program size by length). */
export const MAX_REGEX_LENGTH = 1024;

/** A Destination: a host other than `*`, an optional subset (DNS label) and an optional port. */
export function checkDestination(c: Collector, path: string, value: unknown): void {
  const dest = asMapping(value);
  if (!dest) return;
  const host = asString(dest['host']);
  if (host === '*') c.error(at(path, 'host'), 'a destination must name a service; "*" is not a host');
  else if (host !== undefined) {
    const problem = wildcardHostProblem(host);
    if (problem) c.error(at(path, 'host'), problem);
  }
  const subset = asString(dest['subset']);
  if (subset !== undefined && subset !== '' && !isLabel(subset)) {
    c.error(at(path, 'subset'), `subset "${subset}" must be a DNS label (letters, digits and inner dashes)`);
  }
  const port = asMapping(dest['port']);
  if (port) {
    const n = asNumber(port['number']) ?? 0;
    const problem = portNumberProblem(n);
    if (problem) c.error(at(at(path, 'port'), 'number'), n === 0 ? 'a destination port needs a number between 1 and 65535' : problem);
  }
}

/** Which of exact/prefix/regex a StringMatch sets (by presence, as protobuf JSON reads a oneof). */
export function matchKind(sm: Mapping): 'exact' | 'prefix' | 'regex' | undefined {
  const set = (['exact', 'prefix', 'regex'] as const).filter((k) => sm[k] !== undefined && sm[k] !== null);
  return set[0];
}

/** The CRD's oneOf: at most one of exact, prefix and regex. */
export function checkMatchOneOf(c: Collector, path: string, sm: Mapping): void {
  const set = ['exact', 'prefix', 'regex'].filter((k) => sm[k] !== undefined && sm[k] !== null);
  if (set.length > 1) c.error(path, `set only one of exact, prefix or regex; ${set.join(' and ')} are all set`);
}

export interface StringMatchRules {
  /** An empty prefix is allowed (the URI: it matches every path). */
  readonly emptyPrefixOk?: boolean;
}

/** An empty prefix or regex matches nothing useful; a regex must compile with RE2. */
export function checkStringMatch(c: Collector, path: string, value: unknown, rules: StringMatchRules = {}): void {
  const sm = asMapping(value);
  if (!sm) return;
  checkMatchOneOf(c, path, sm);
  const kind = matchKind(sm);
  if (kind === 'prefix' && !rules.emptyPrefixOk && asString(sm['prefix']) === '') {
    c.error(at(path, 'prefix'), 'an empty prefix is not allowed here; remove the match or give a prefix');
  }
  if (kind === 'regex') checkRegex(c, at(path, 'regex'), sm['regex']);
}

/** A regex field: non-empty, at most 1024 characters, RE2 syntax. */
export function checkRegex(c: Collector, path: string, value: unknown): void {
  const re = asString(value);
  if (re === undefined) return;
  if (re === '') {
    c.error(path, 'an empty regular expression is not allowed');
    return;
  }
  const problem = regexProblem(re, MAX_REGEX_LENGTH);
  if (problem) c.error(path, problem);
}

function checkWrites(c: Collector, path: string, ops: Mapping, nameRule: (n: string) => string | undefined): void {
  for (const op of ['set', 'add']) {
    const map = asMapping(ops[op]) ?? {};
    for (const [name, raw] of Object.entries(map)) {
      const where = at(at(path, op), name);
      const nameProblem = nameRule(name);
      if (nameProblem) c.error(where, nameProblem);
      const value = asString(raw);
      const valueProblem = value === undefined ? undefined : headerValueProblem(value);
      if (valueProblem) c.error(where, valueProblem);
    }
  }
  asArray(ops['remove']).forEach((raw, i) => {
    const name = asString(raw);
    const problem = name === undefined ? undefined : headerEditProblem(name);
    if (problem) c.error(at(at(path, 'remove'), i), problem);
  });
}

/** `headers.request/response.set/add/remove`: what names may be written, and value syntax. */
export function checkHeaderOperations(c: Collector, path: string, value: unknown): void {
  const headers = asMapping(value);
  if (!headers) return;
  const request = asMapping(headers['request']);
  if (request) checkWrites(c, at(path, 'request'), request, requestHeaderWriteProblem);
  const response = asMapping(headers['response']);
  if (response) checkWrites(c, at(path, 'response'), response, headerEditProblem);
}

/** Why `name` is not a gateway reference: `namespace/name`, `mesh`, or a (legacy) name. */
export function gatewayNameProblems(name: string): string[] {
  const slash = name.indexOf('/');
  if (slash < 0) {
    const problem = fqdnProblem(name);
    return problem ? [`gateway "${name}" is not a valid name: ${problem}`] : [];
  }
  const ns = name.slice(0, slash);
  const gw = name.slice(slash + 1);
  const out: string[] = [];
  if (ns === '' || gw === '') out.push(`gateway "${name}" needs both a namespace and a name around the "/"`);
  if (!isLabel(ns)) out.push(`gateway "${name}": "${ns}" is not a valid namespace name`);
  if (!isLabel(gw)) out.push(`gateway "${name}": "${gw}" is not a valid gateway name (wildcards are not allowed here)`);
  return out;
}

/** `gateways` lists: each entry checked; the legacy `name.namespace` form is accepted with a warning. */
export function checkGatewayNames(c: Collector, path: string, value: unknown): void {
  for (const [i, raw] of asArray(value).entries()) {
    const name = asString(raw);
    if (name === undefined) continue;
    for (const problem of gatewayNameProblems(name)) c.error(at(path, i), problem);
    if (name.includes('/')) continue;
    if (name.includes('.')) {
      const [gw, ns] = name.split('.');
      c.warn(`${at(path, i)}: "${name}" uses the legacy name.namespace form; write "${ns}/${gw}"`);
    }
    // Istio stops at the first name without a namespace (such as "mesh"): later names are not checked.
    return;
  }
}

/** A fractional percentage: 0, or between 0.0001 and 100. */
export function checkPercentage(c: Collector, path: string, value: unknown): void {
  const pct = asMapping(value);
  if (!pct) return;
  const v = asNumber(pct['value']) ?? 0;
  if (v < 0 || v > 100 || (v > 0 && v < 0.0001)) {
    c.error(at(path, 'value'), `percentage ${v} must be 0 or between 0.0001 and 100`);
  }
}

/** True when the field holds a value (null and absent both mean "not set"). */
export function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

export function nonEmptyList(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0;
}

export { isMapping };
