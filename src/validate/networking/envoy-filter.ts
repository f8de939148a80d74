// EnvoyFilter: each config patch needs a target (applyTo), a patch operation and, unless it
// removes, a value; the match must fit the target. The patch value itself is Envoy
// configuration, which meshgate cannot check without Envoy's protobuf registry.
import { regexProblem } from '../common/regex.js';
import { checkWorkloadSelector } from '../common/selectors.js';
import { asArray, asMapping, asString, type Mapping } from '../../lib/json.js';
import { at, type Collector } from '../issues.js';
import { istioKind, type SpecContext } from './kind.js';
import { isSet, nonEmptyList } from './route-parts.js';

const HCM = ['envoy.filters.network.http_connection_manager', 'envoy.http_connection_manager'];

// Old filter names Envoy still resolves, with their current names.
const DEPRECATED_FILTERS: Readonly<Record<string, string>> = {
  'envoy.http_connection_manager': 'envoy.filters.network.http_connection_manager',
  'envoy.tcp_proxy': 'envoy.filters.network.tcp_proxy',
  'envoy.router': 'envoy.filters.http.router',
  'envoy.cors': 'envoy.filters.http.cors',
  'envoy.fault': 'envoy.filters.http.fault',
  'envoy.lua': 'envoy.filters.http.lua',
  'envoy.ext_authz': 'envoy.filters.http.ext_authz',
  'envoy.rate_limit': 'envoy.filters.http.ratelimit',
  'envoy.grpc_web': 'envoy.filters.http.grpc_web',
  'envoy.health_check': 'envoy.filters.http.health_check',
  'envoy.listener.tls_inspector': 'envoy.filters.listener.tls_inspector',
  'envoy.listener.original_dst': 'envoy.filters.listener.original_dst',
  'envoy.listener.http_inspector': 'envoy.filters.listener.http_inspector',
};

const OBJECT_TYPES = ['listener', 'routeConfiguration', 'cluster', 'waypoint'];
const LISTENER_CLASS = new Set(['LISTENER', 'FILTER_CHAIN', 'NETWORK_FILTER', 'HTTP_FILTER']);
const ROUTE_CLASS = new Set(['ROUTE_CONFIGURATION', 'VIRTUAL_HOST', 'HTTP_ROUTE']);

/** `path` is the config patch's path: field paths this deep would not fit a warning line. */
function warnDeprecatedName(c: Collector, path: string, name: string): void {
  const current = DEPRECATED_FILTERS[name];
  if (current) c.warn(`${path}: rename filter ${name} to ${current}`);
}

/** Filter and sub-filter matches inside a listener match. */
function checkFilterMatch(c: Collector, path: string, applyTo: string, filter: Mapping): void {
  const name = asString(filter['name']) ?? '';
  if (applyTo === 'LISTENER' || applyTo === 'FILTER_CHAIN') c.warn(`${path}: a filter match has no effect when applyTo is ${applyTo}`);
  if (name === '') {
    c.error(at(path, 'name'), 'a filter match needs the name of the filter');
    return;
  }
  const sub = asMapping(filter['subFilter']);
  if (sub) {
    const subName = asString(sub['name']) ?? '';
    if (applyTo !== 'HTTP_FILTER') c.error(at(path, 'subFilter'), 'a subFilter match works only with applyTo HTTP_FILTER');
    else if (!HCM.includes(name)) c.error(at(path, 'name'), `a subFilter match needs the filter to be ${HCM[0]}`);
    else if (subName === '') c.error(at(at(path, 'subFilter'), 'name'), 'a subFilter match needs the name of the HTTP filter');
    else warnDeprecatedName(c, patchOf(path), subName);
    if (applyTo !== 'HTTP_FILTER' || !HCM.includes(name) || subName === '') return;
  }
  warnDeprecatedName(c, patchOf(path), name);
}

/** `spec.configPatches[2].match.listener…` → `spec.configPatches[2]`. */
function patchOf(path: string): string {
  return path.replace(/^(spec\.configPatches\[\d+\]).*$/, '$1');
}

function checkMatchForTarget(c: Collector, path: string, applyTo: string, m: Mapping): void {
  const kind = OBJECT_TYPES.find((k) => isSet(m[k]));
  if (kind === undefined) return;
  if (LISTENER_CLASS.has(applyTo)) {
    if (kind !== 'listener') return c.error(path, `applyTo ${applyTo} patches listeners, so the match must be a listener match, not ${kind}`);
    const filter = asMapping(asMapping(asMapping(m['listener'])?.['filterChain'])?.['filter']);
    if (filter) checkFilterMatch(c, at(at(at(path, 'listener'), 'filterChain'), 'filter'), applyTo, filter);
  } else if (ROUTE_CLASS.has(applyTo) && kind !== 'routeConfiguration') {
    c.error(path, `applyTo ${applyTo} patches route configuration, so the match must be a routeConfiguration match, not ${kind}`);
  } else if (applyTo === 'CLUSTER' && kind !== 'cluster') {
    c.error(path, `applyTo CLUSTER patches clusters, so the match must be a cluster match, not ${kind}`);
  }
}

/** The CRD's rule: waypoint matches go with context WAYPOINT, and WAYPOINT uses only them. */
function checkWaypointMatch(c: Collector, path: string, m: Mapping): boolean {
  const waypoint = asString(m['context']) === 'WAYPOINT';
  if (waypoint && ['listener', 'routeConfiguration', 'cluster'].some((k) => isSet(m[k]))) {
    c.error(path, 'context WAYPOINT uses a waypoint match; listener, routeConfiguration and cluster matches do not apply');
  }
  if (!waypoint && isSet(m['waypoint'])) c.error(at(path, 'waypoint'), 'a waypoint match needs context WAYPOINT');
  return waypoint;
}

/**
 * Every `@type` value (the type URL of a protobuf Any) in a patch value. The `value` of a
 * TypedStruct is a free-form Struct, where an "@type" key is plain data: not descended into.
 */
function typeUrls(value: unknown, found: unknown[] = []): unknown[] {
  if (Array.isArray(value)) value.forEach((v) => typeUrls(v, found));
  const o = asMapping(value);
  if (!o) return found;
  const typedStruct = typeof o['@type'] === 'string' && o['@type'].endsWith('.TypedStruct');
  for (const [k, v] of Object.entries(o)) {
    if (k === '@type') found.push(v);
    else if (!(typedStruct && k === 'value')) typeUrls(v, found);
  }
  return found;
}

// The message a type URL names is what follows its last "/"; every message Envoy (or any
// protobuf registry) knows is package-qualified, so a name without a dotted package resolves to nothing.
const QUALIFIED_MESSAGE = /^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$/;

/** A reason the type URL cannot name a message Envoy knows, if there is one. */
function typeUrlProblem(url: unknown): string | undefined {
  if (typeof url !== 'string') return `@type must be a type URL string such as "type.googleapis.com/envoy.config.listener.v3.Filter", got ${JSON.stringify(url)}`;
  if (!QUALIFIED_MESSAGE.test(url.slice(url.lastIndexOf('/') + 1)))
    return `"${url}" is not a type URL: after its last "/" it needs a package-qualified message name (type.googleapis.com/<package>.<Message>)`;
  if (/\.v2(?:alpha\d*)?\./.test(url)) return `"${url}" is a v2 xDS type, which Envoy no longer supports; use the v3 type`;
  return undefined;
}

/** What can be said about an Envoy patch value without Envoy's protobuf registry. */
function checkPatchValue(c: Collector, path: string, applyTo: string, value: unknown): void {
  const v = asMapping(value);
  if (!v) return;
  if (applyTo !== 'BOOTSTRAP' && isSet(v['name']) && typeof v['name'] !== 'string') c.error(at(path, 'name'), 'the name of an Envoy object must be a string');
  for (const url of typeUrls(v)) {
    const problem = typeUrlProblem(url);
    if (problem) c.error(path, problem);
  }
}

function checkPatch(c: Collector, path: string, cp: Mapping): void {
  const m = asMapping(cp['match']) ?? {};
  const applyTo = asString(cp['applyTo']) ?? 'INVALID';
  // Istio's webhook skips WAYPOINT patches entirely; only the CRD's match rules apply to them.
  if (checkWaypointMatch(c, at(path, 'match'), m)) return;
  if (applyTo === 'INVALID') return c.error(at(path, 'applyTo'), 'applyTo is required: say which kind of Envoy object the patch changes');
  const patch = asMapping(cp['patch']);
  if (!patch) return c.error(at(path, 'patch'), 'a config patch needs a patch (operation and value)');
  const op = asString(patch['operation']) ?? 'INVALID';
  if (op === 'INVALID') return c.error(at(at(path, 'patch'), 'operation'), 'patch.operation is required, such as MERGE, ADD or REMOVE');
  if (op !== 'REMOVE' && !isSet(patch['value'])) return c.error(at(at(path, 'patch'), 'value'), `operation ${op} needs a patch value`);
  const version = asString(asMapping(m['proxy'])?.['proxyVersion']) ?? '';
  if (version.length > 1024) c.warn(`${path}.match.proxy.proxyVersion is over 1024 characters and will be ignored`);
  else if (version !== '') {
    const problem = regexProblem(version);
    if (problem) return c.error(at(at(at(path, 'match'), 'proxy'), 'proxyVersion'), problem);
  }
  checkMatchForTarget(c, at(path, 'match'), applyTo, m);
  checkPatchValue(c, at(at(path, 'patch'), 'value'), applyTo, patch['value']);
}

function rules({ c, spec }: SpecContext): void {
  c.warn('EnvoyFilter patches Envoy internals, which change between releases; prefer other APIs and retest on upgrades');
  checkWorkloadSelector(c, 'spec.workloadSelector', spec['workloadSelector'], { field: 'labels', kindWord: 'workload' });
  if (isSet(spec['workloadSelector']) && nonEmptyList(spec['targetRefs'])) {
    c.error('spec.targetRefs', 'set either targetRefs or workloadSelector, not both');
  }
  asArray(spec['targetRefs']).forEach((raw, i) => {
    if ((asString(asMapping(raw)?.['namespace']) ?? '') !== '')
      c.error(`spec.targetRefs[${i}].namespace`, 'targetRefs can only refer to objects in the same namespace; remove namespace');
  });
  asArray(spec['configPatches']).forEach((raw, i) => {
    const cp = asMapping(raw);
    if (cp) checkPatch(c, `spec.configPatches[${i}]`, cp);
    else c.error(`spec.configPatches[${i}]`, 'a config patch may not be null');
  });
}

export const validateEnvoyFilter = istioKind({ rules });
