// What every Gateway API validator shares: the pass that runs the layers in order (envelope,
// structure, CRD rules, semantic rules), raw-JSON walking helpers, and the rules that recur
// across kinds (parentRefs, backendRefs, rule names, hostnames, session persistence).
import type { z } from 'zod';
import { at, collector, type Collector, type KubeObject, type Report, type Validator } from '../issues.js';
import { checkEnvelope } from '../common/istio-metadata.js';
import { isDNS1123Subdomain } from '../common/names.js';
import { isIP } from '../common/net.js';
import { asArray, asNumber, asObject, asString, type JsonObject } from '../common/values.js';
import { reportStructure } from '../common/zod-report.js';

export const GATEWAY_GROUP = 'gateway.networking.k8s.io';
const SERVED_VERSIONS = ['v1', 'v1beta1', 'v1alpha2', 'v1alpha3'];

/** What a kind's semantic rules may need besides the spec. */
export interface Context {
  readonly version: string;
  readonly namespace: string;
}

export interface KindDefinition {
  /** The structural schema of `spec`, which may differ between served versions. */
  readonly schema: (version: string) => z.ZodType;
  /** The CRD's CEL rules and the semantic rules, run on the raw spec. */
  readonly rules: (spec: JsonObject, ctx: Context, c: Collector) => void;
}

/** Builds a validator that runs every layer and collects every issue. */
export function gatewayApiValidator(def: KindDefinition): Validator {
  return (obj: KubeObject): Report => {
    const c = collector();
    try {
      runLayers(def, obj, c);
    } catch (e) {
      // A bug here must not turn into a failed admission call; report it against the spec.
      c.error('spec', `meshgate could not finish checking this object (${(e as Error).message})`);
    }
    return { errors: c.errors, warnings: c.warnings };
  };
}

function runLayers(def: KindDefinition, obj: KubeObject, c: Collector): void {
  checkEnvelope(obj, c);
  const version = checkVersion(obj.apiVersion, c);
  checkMetadata(obj.metadata, c);
  if (obj.spec === undefined || obj.spec === null) {
    c.error('spec', 'required field is missing');
    return;
  }
  reportStructure(def.schema(version), obj.spec, 'spec', c);
  const spec = asObject(obj.spec);
  if (spec) def.rules(spec, { version, namespace: asString(asObject(obj.metadata)?.['namespace']) ?? '' }, c);
}

function checkVersion(apiVersion: unknown, c: Collector): string {
  const version = typeof apiVersion === 'string' ? apiVersion.slice(apiVersion.indexOf('/') + 1) : '';
  if (!SERVED_VERSIONS.includes(version)) {
    c.error('apiVersion', `no Gateway API release serves version "${version}"; use one of ${SERVED_VERSIONS.join(', ')}`);
  }
  return version;
}

function checkMetadata(metadata: unknown, c: Collector): void {
  if (metadata === undefined) return;
  const md = asObject(metadata);
  if (!md) {
    c.error('metadata', 'must be an object (a map of fields)');
    return;
  }
  const name = md['name'];
  if (name !== undefined && (typeof name !== 'string' || !isDNS1123Subdomain(name))) {
    c.error('metadata.name', 'must be a DNS subdomain: lower-case letters, digits, "-" and ".", at most 253 characters');
  }
}

// ---- raw JSON walking ----------------------------------------------------------------------

export interface Entry {
  readonly o: JsonObject;
  readonly i: number;
  readonly path: string;
}

/** The object entries of a list (anything else was already reported by the structure layer). */
export function entries(list: unknown, path: string): Entry[] {
  const out: Entry[] = [];
  asArray(list).forEach((v, i) => {
    const o = asObject(v);
    if (o) out.push({ o, i, path: at(path, i) });
  });
  return out;
}

export function str(o: JsonObject | undefined, key: string): string | undefined {
  return asString(o?.[key]);
}

export function has(o: JsonObject | undefined, key: string): boolean {
  return o !== undefined && o[key] !== undefined && o[key] !== null;
}

/** Calls `report(later, first)` for each entry whose key was already seen; undefined keys are skipped. */
export function eachDuplicate<T>(items: readonly T[], key: (t: T) => string | undefined, report: (later: T, first: T) => void): void {
  const seen = new Map<string, T>();
  for (const item of items) {
    const k = key(item);
    if (k === undefined) continue;
    const first = seen.get(k);
    if (first === undefined) seen.set(k, item);
    else report(item, first);
  }
}

/** `spec.rules[3].filters` → `rules[3].filters`: how one entry refers to a sibling in a message. */
export function rel(path: string): string {
  return path.replace(/^spec\./, '');
}

// ---- parentRefs ------------------------------------------------------------------------------

interface ParentKey {
  readonly e: Entry;
  readonly target: string;
  readonly section: string;
  readonly port: number;
}

function parentKey(e: Entry): ParentKey {
  const g = str(e.o, 'group') ?? GATEWAY_GROUP;
  const k = str(e.o, 'kind') ?? 'Gateway';
  const target = `${k}${g ? `.${g}` : ''} ${str(e.o, 'namespace') ?? ''}/${str(e.o, 'name') ?? ''}`;
  return { e, target, section: str(e.o, 'sectionName') ?? '', port: asNumber(e.o['port']) ?? 0 };
}

/**
 * Several parentRefs to the same parent must each pick a different part of it: all of them set
 * sectionName (and/or port) the same way, and no two pick the same sectionName and port.
 */
export function checkParentRefs(refs: unknown, path: string, c: Collector): void {
  const keys = entries(refs, path).map(parentKey);
  for (const [idx, p] of keys.entries()) {
    const earlier = keys.slice(0, idx).filter((q) => q.target === p.target);
    const first = earlier[0];
    if (!first) continue;
    if ((first.section === '') !== (p.section === '') || (first.port === 0) !== (p.port === 0)) {
      c.error(p.e.path, `${rel(first.e.path)} refers to the same parent; when a parent is listed more than once, every entry must set sectionName (or port) the same way to pick a distinct part of it`);
      continue;
    }
    const twin = earlier.find((q) => q.section === p.section && q.port === p.port);
    if (twin) c.error(p.e.path, `duplicates ${rel(twin.e.path)}: same parent, same sectionName and port; remove one or pick a different listener`);
  }
}

// ---- backendRefs ---------------------------------------------------------------------------

/** A reference to a core Service (group "" and kind Service are the defaults) needs a port. */
export function checkBackendPort(ref: JsonObject, path: string, c: Collector): void {
  const isService = (str(ref, 'group') ?? '') === '' && (str(ref, 'kind') ?? 'Service') === 'Service';
  if (isService && !has(ref, 'port')) {
    c.error(at(path, 'port'), 'required when the backend is a Service: give the Service port (not the target port) to send traffic to');
  }
}

/** Port rule for each backendRef, and a warning when every weight is zero (nothing gets traffic). */
export function checkBackendRefs(list: unknown, path: string, c: Collector): Entry[] {
  const refs = entries(list, path);
  for (const r of refs) checkBackendPort(r.o, r.path, c);
  const weights = refs.map((r) => asNumber(r.o['weight']) ?? 1);
  if (weights.length > 0 && weights.every((w) => w === 0)) {
    c.warn(`${path}: every weight is 0, so the rule sends no traffic`);
  }
  return refs;
}

// ---- rules ---------------------------------------------------------------------------------

/**
 * The spec-level checks HTTPRoute and GRPCRoute share (parents, hostnames, rule names, the
 * total number of matches), then `checkRule` for each rule. `defaultMatches` is how many matches
 * the API server gives a rule without any (HTTPRoute defaults one; GRPCRoute none).
 */
export function routeRules(checkRule: (rule: Entry, c: Collector) => void, defaultMatches: number): (s: JsonObject, ctx: unknown, c: Collector) => void {
  return (s, _ctx, c) => {
    checkParentRefs(s['parentRefs'], 'spec.parentRefs', c);
    checkRouteHostnames(s['hostnames'], 'spec.hostnames', c);
    checkRuleNames(s['rules'], 'spec.rules', c);
    checkTotalMatches(s['rules'], 'spec.rules', defaultMatches, c);
    for (const r of entries(s['rules'], 'spec.rules')) checkRule(r, c);
  };
}

export function checkRuleNames(rules: unknown, path: string, c: Collector): void {
  eachDuplicate(entries(rules, path), (e) => str(e.o, 'name'), (later, first) => {
    c.error(at(later.path, 'name'), `${rel(first.path)} already has the name "${str(later.o, 'name')}"; rule names must be unique within the route`);
  });
}

/** The CRD allows 16 rules of 64 matches each, but at most 128 matches in total. */
export function checkTotalMatches(rules: unknown, path: string, defaultMatches: number, c: Collector): void {
  // A rule without matches counts with the matches the API server defaults for it.
  const total = asArray(rules).reduce<number>((n, r) => {
    const m = asObject(r)?.['matches'];
    return n + (Array.isArray(m) ? m.length : defaultMatches);
  }, 0);
  if (total > 128) c.error(path, `the rules have ${total} matches in total; a route may have at most 128 across all its rules`);
}

// ---- hostnames -----------------------------------------------------------------------------

/** Route hostnames: IPs never match (the pattern alone lets 10.0.0.1 through), duplicates are noise. */
export function checkRouteHostnames(list: unknown, path: string, c: Collector): void {
  const names = asArray(list).map((h, i) => ({ h: asString(h), i }));
  for (const { h, i } of names) {
    if (h !== undefined && isIP(h)) c.warn(`${at(path, i)}: an IP address never matches; route hostnames are DNS names`);
  }
  eachDuplicate(names, (n) => n.h, (later) => c.warn(`${at(path, later.i)}: duplicates an earlier hostname`));
}

// ---- session persistence (experimental) ----------------------------------------------------

const SESSION_CONFIG_FIELDS: ReadonlyArray<readonly [string, string]> = [
  ['cookieConfig', 'Cookie'],
  ['cookie', 'Cookie'],
  ['header', 'Header'],
];

export function checkSessionPersistence(value: unknown, path: string, c: Collector): void {
  const sp = asObject(value);
  if (!sp) return;
  const type = str(sp, 'type') ?? 'Cookie';
  for (const [field, owner] of SESSION_CONFIG_FIELDS) {
    if (has(sp, field) && type !== owner) c.error(at(path, field), `only allowed when type is ${owner}; this session persistence has type ${type}`);
  }
  // A type given explicitly needs its settings (cookieConfig, the older name, counts for Cookie).
  // Routes written for the older API (v1.6 and before: sessionName names the cookie or header,
  // and the CRD defaults type to Cookie) have no such rule: requiring it there would refuse
  // routes the installed CRD accepts.
  const olderApi = has(sp, 'sessionName') || has(sp, 'cookieConfig');
  if (str(sp, 'type') === 'Header' && !has(sp, 'header') && !olderApi) {
    c.error(at(path, 'header'), 'required when type is Header: it says which header carries the session');
  }
  if (str(sp, 'type') === 'Cookie' && !has(sp, 'cookie') && !olderApi) {
    c.error(at(path, 'cookie'), 'required when type is Cookie: it configures the session cookie');
  }
  const lifetime = str(asObject(sp['cookieConfig']) ?? asObject(sp['cookie']), 'lifetimeType');
  if (lifetime === 'Permanent' && !has(sp, 'absoluteTimeout')) {
    c.error(at(path, 'absoluteTimeout'), 'required when the cookie lifetimeType is Permanent: it sets how long the cookie lives');
  }
}
