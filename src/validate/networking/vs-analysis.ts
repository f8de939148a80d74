// Warnings about VirtualService rules that can never be used: a match that an earlier rule
// already takes (identical, or a shorter URI prefix with the same other conditions), or a rule
// whose every match is taken. These are warnings: the object is still accepted.
import { asArray, asMapping, asString, type Mapping } from '../../lib/json.js';
import { at, type Collector } from '../issues.js';

/**
 * A stable rendering of a match without its names or empty fields, so equal conditions compare
 * equal. Never shown: strings and keys are length-prefixed rather than quoted, which keeps the
 * rendering unambiguous and cheap (it runs for every match of every route).
 */
function canonical(value: unknown): string {
  if (Array.isArray(value)) {
    let out = '[';
    for (const x of value) out += canonical(x);
    return `${out}]`;
  }
  const o = asMapping(value);
  if (!o) return scalar(value);
  const keys: string[] = [];
  for (const k of Object.keys(o)) if (k !== 'name' && !isEmpty(o[k])) keys.push(k);
  keys.sort();
  let out = '{';
  for (const k of keys) out += `${k.length}:${k}${canonical(o[k])}`;
  return `${out}}`;
}

function scalar(v: unknown): string {
  if (typeof v === 'string') return `s${v.length}:${v}`;
  if (typeof v === 'number') return `n${v};`;
  if (typeof v === 'boolean') return v ? 't' : 'f';
  return 'z';
}

function isEmpty(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === '' || v === 0) return true;
  if (Array.isArray(v)) return v.length === 0;
  const o = asMapping(v);
  return o !== undefined && Object.keys(o).length === 0;
}

interface PrefixMatch {
  /** The match's name in warnings, built only when one is given (most objects get none). */
  readonly match: () => string;
  readonly prefix: string;
  readonly port: unknown;
  readonly method: string;
  readonly authority: string;
  readonly headers: Record<string, string>;
  readonly query: Record<string, string>;
  readonly without: Record<string, string>;
}

function exactOrPrefix(value: unknown): string {
  const sm = asMapping(value);
  const exact = asString(sm?.['exact']) ?? '';
  if (exact !== '') return `exact:${exact}`;
  const prefix = asString(sm?.['prefix']) ?? '';
  return prefix !== '' ? `prefix:${prefix}` : '';
}

function conditionMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(asMapping(value) ?? {})) out[k] = exactOrPrefix(v);
  return out;
}

function prefixMatch(match: () => string, m: Mapping): PrefixMatch | undefined {
  const prefix = asString(asMapping(m['uri'])?.['prefix']) ?? '';
  if (prefix === '') return undefined;
  return {
    match,
    prefix,
    port: m['port'] ?? 0,
    method: exactOrPrefix(m['method']) || 'exact:GET',
    authority: exactOrPrefix(m['authority']),
    headers: conditionMap(m['headers']),
    query: conditionMap(m['queryParams']),
    without: conditionMap(m['withoutHeaders']),
  };
}

const narrower = (earlier: string, later: string): boolean => earlier === later || earlier.startsWith(later);

function mapCovered(earlier: Record<string, string>, later: Record<string, string>): boolean {
  const keys = Object.keys(earlier);
  if (keys.length !== Object.keys(later).length) return false;
  return keys.every((k) => k in later && narrower(earlier[k] as string, later[k] as string));
}

/** Istio's rule: the earlier prefix match takes every request the later one would. */
function covers(a: PrefixMatch, b: PrefixMatch): boolean {
  return (
    b.prefix.startsWith(a.prefix) &&
    a.port === b.port &&
    narrower(a.method, b.method) &&
    narrower(a.authority, b.authority) &&
    mapCovered(a.headers, b.headers) &&
    mapCovered(a.query, b.query) &&
    mapCovered(a.without, b.without)
  );
}

function label(base: string, i: number, named: unknown): string {
  const name = asString(named) ?? '';
  return name === '' ? at(base, i) : `${at(base, i)} ("${name}")`;
}

/** Warns about unreachable rules in spec.http, spec.tcp or spec.tls. */
export function analyzeRules(c: Collector, base: string, routes: unknown, withPrefixes: boolean): void {
  const seen = new Map<string, number>();
  const prefixes: PrefixMatch[] = [];
  let catchAll = -1;
  asArray(routes).forEach((raw, i) => {
    const route = asMapping(raw);
    if (!route) return;
    const rule = label(base, i, route['name']);
    const matches = asArray(route['match']);
    if (matches.length === 0) {
      if (catchAll >= 0) c.warn(`${rule} is never used: ${at(base, catchAll)} already matches every request`);
      catchAll = i;
      return;
    }
    let taken = 0;
    matches.forEach((m, j) => {
      const key = canonical(m);
      const earlier = seen.get(key);
      const matchName = (): string => label(`${rule}.match`, j, asMapping(m)?.['name']);
      if (earlier !== undefined) {
        c.warn(`${matchName()} is never used: ${at(base, earlier)} has the same match`);
        taken++;
        return;
      }
      seen.set(key, i);
      const pm = withPrefixes && asMapping(m) ? prefixMatch(matchName, asMapping(m) as Mapping) : undefined;
      if (pm) prefixes.push(pm);
    });
    if (taken === matches.length) c.warn(`${rule} is never used: earlier rules take all of its matches`);
  });
  warnCoveredPrefixes(c, prefixes);
}

function warnCoveredPrefixes(c: Collector, prefixes: readonly PrefixMatch[]): void {
  prefixes.forEach((a, i) => {
    for (const b of prefixes.slice(i + 1)) {
      if (b.prefix !== a.prefix && covers(a, b)) {
        c.warn(`${b.match()} (prefix ${b.prefix}) is never used: ${a.match()} (prefix ${a.prefix}) comes first`);
      }
    }
  });
}
