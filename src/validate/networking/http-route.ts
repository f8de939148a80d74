// One HTTP route of a VirtualService: what it does (route, redirect, direct response or
// delegation, never two of them), how it matches, and where it sends traffic.
import { headerNameProblem, isAuthorityHeader } from '../common/headers.js';
import { isLabel } from '../common/hosts.js';
import { portNumberProblem } from '../common/ports.js';
import { checkLabelMap } from '../common/selectors.js';
import { asArray, asNumber, asMapping, asString, type Mapping } from '../../lib/json.js';
import { at, type Collector } from '../issues.js';
import { checkCors, checkDirectResponse, checkFault, checkMirrors, checkRedirect, checkRetries, checkRewrite } from './http-policies.js';
import { checkDestination, checkGatewayNames, checkHeaderOperations, checkStringMatch, isSet, nonEmptyList } from './route-parts.js';

export interface HttpRouteContext {
  /** The VirtualService has no hosts: it is a delegate, included by a root VirtualService. */
  readonly inDelegate: boolean;
  /** Generated from Gateway API routes: destinations are not checked. */
  readonly gatewaySemantics: boolean;
}

function checkRootRoute(c: Collector, path: string, route: Mapping): void {
  if (isSet(route['redirect'])) c.error(at(path, 'redirect'), 'a route that delegates to another VirtualService cannot also redirect');
  if (isSet(route['route'])) c.error(at(path, 'route'), 'a route that delegates to another VirtualService cannot also have destinations');
}

const ACTIONS: readonly [string, string][] = [
  ['redirect', 'a redirect'],
  ['directResponse', 'a direct response'],
];

/** Route, redirect and direct response exclude each other; fault and rewrite need a route. */
function checkConflicts(c: Collector, path: string, route: Mapping, ctx: HttpRouteContext): void {
  if (!ctx.inDelegate && isSet(route['delegate'])) return checkRootRoute(c, path, route);
  if (ctx.inDelegate && isSet(route['delegate'])) c.error(at(path, 'delegate'), 'a delegate VirtualService cannot delegate again');
  const action = ACTIONS.find(([key]) => isSet(route[key]));
  if (action) {
    const [key, what] = action;
    if (nonEmptyList(route['route'])) c.error(at(path, key), `a route cannot have both destinations (route) and ${what}`);
    for (const other of ['fault', 'rewrite']) {
      if (isSet(route[other])) c.error(at(path, other), `${other} cannot be combined with ${what}`);
    }
    if (key === 'redirect' && isSet(route['directResponse'])) c.error(at(path, 'directResponse'), 'a route cannot have both a redirect and a direct response');
  } else if (!nonEmptyList(route['route'])) {
    c.error(at(path, 'route'), 'an HTTP route needs destinations (route), a redirect, a directResponse or a delegate');
  }
  if (isSet(route['mirror']) && nonEmptyList(route['mirrors'])) c.error(at(path, 'mirrors'), 'set either mirror or mirrors, not both');
}

function checkHeaderMatches(c: Collector, path: string, match: Mapping): void {
  for (const [name, sm] of Object.entries(asMapping(match['headers']) ?? {})) {
    const where = at(at(path, 'headers'), name);
    if (sm === null || sm === undefined) c.error(where, 'a header match needs exact, prefix or regex (to test presence, use regex ".*")');
    const problem = headerNameProblem(name, { pseudo: true, jwtClaim: true });
    if (problem) c.error(where, problem);
    checkStringMatch(c, where, sm);
  }
  for (const [name, sm] of Object.entries(asMapping(match['withoutHeaders']) ?? {})) {
    const where = at(at(path, 'withoutHeaders'), name);
    const problem = headerNameProblem(name, { pseudo: true, jwtClaim: true });
    if (problem) c.error(where, problem);
    // Here regex "*" means "header present", not a regular expression.
    if (asString(asMapping(sm)?.['regex']) !== '*') checkStringMatch(c, where, sm);
  }
}

function checkMatch(c: Collector, path: string, match: Mapping): void {
  checkHeaderMatches(c, path, match);
  checkStringMatch(c, at(path, 'uri'), match['uri'], { emptyPrefixOk: true });
  for (const field of ['scheme', 'method', 'authority']) checkStringMatch(c, at(path, field), match[field]);
  for (const [name, sm] of Object.entries(asMapping(match['queryParams']) ?? {})) {
    checkStringMatch(c, at(at(path, 'queryParams'), name), sm);
  }
  const port = asNumber(match['port']) ?? 0;
  const portProblem = port === 0 ? undefined : portNumberProblem(port);
  if (portProblem) c.error(at(path, 'port'), portProblem);
  checkLabelMap(c, at(path, 'sourceLabels'), match['sourceLabels']);
  checkGatewayNames(c, at(path, 'gateways'), match['gateways']);
  const ns = asString(match['sourceNamespace']) ?? '';
  if (ns !== '' && !isLabel(ns)) c.error(at(path, 'sourceNamespace'), `"${ns}" is not a valid namespace name`);
}

/** Destinations: each present, valid, with a non-negative weight; several cannot all weigh 0. */
export function checkRouteDestinations(c: Collector, path: string, value: unknown, gatewaySemantics: boolean): void {
  const routes = asArray(value);
  let total = 0;
  routes.forEach((raw, i) => {
    const where = at(path, i);
    const dest = asMapping(raw);
    if (!dest) return c.error(where, 'a route destination may not be null');
    checkHeaderOperations(c, at(where, 'headers'), dest['headers']);
    if (!gatewaySemantics) checkDestination(c, at(where, 'destination'), dest['destination']);
    const weight = asNumber(dest['weight']) ?? 0;
    if (weight < 0) c.error(at(where, 'weight'), `weight ${weight} must not be negative`);
    total += weight;
  });
  if (routes.length > 1 && total === 0) c.error(path, 'the weights of the destinations are all 0, so no traffic would be sent; give at least one a positive weight');
}

/** The authority may be rewritten once: by rewrite.authority or by one :authority/host header. */
function checkAuthorityRewrite(c: Collector, path: string, route: Mapping): void {
  let current = asString(asMapping(route['rewrite'])?.['authority']) ?? '';
  const request = asMapping(asMapping(route['headers'])?.['request']) ?? {};
  for (const op of ['set', 'add']) {
    for (const [name, raw] of Object.entries(asMapping(request[op]) ?? {})) {
      if (!isAuthorityHeader(name)) continue;
      const value = asString(raw) ?? '';
      if (current !== '') {
        c.error(at(at(at(at(path, 'headers'), 'request'), op), name), `the authority is already rewritten to "${current}"; it can be set only once`);
        return;
      }
      current = value;
    }
  }
}

export function checkHttpRoute(c: Collector, path: string, route: Mapping, ctx: HttpRouteContext): void {
  checkConflicts(c, path, route, ctx);
  asArray(route['match']).forEach((m, i) => {
    const match = asMapping(m);
    if (match) checkMatch(c, at(at(path, 'match'), i), match);
  });
  checkHeaderOperations(c, at(path, 'headers'), route['headers']);
  checkCors(c, at(path, 'corsPolicy'), route['corsPolicy']);
  checkFault(c, at(path, 'fault'), route['fault']);
  checkMirrors(c, path, route);
  checkRedirect(c, path, route);
  checkDirectResponse(c, at(path, 'directResponse'), route['directResponse']);
  checkRetries(c, at(path, 'retries'), route['retries']);
  checkRewrite(c, at(path, 'rewrite'), route['rewrite']);
  checkAuthorityRewrite(c, path, route);
  checkRouteDestinations(c, at(path, 'route'), route['route'], ctx.gatewaySemantics);
}
