// HTTPRoute: matches HTTP requests by host, path, headers, query and method, applies filters,
// and forwards to weighted backends.
import { z } from 'zod';
import { at, type Collector } from '../issues.js';
import { parseDuration } from '../common/duration.js';
import { asArray, asObject, type JsonObject } from '../common/values.js';
import { boundedList } from '../common/zod-report.js';
import { backendRef, commonRouteFields, duration, hostname, sectionName, sessionPersistence } from './types.js';
import {
  checkBackendRefs,
  checkSessionPersistence,
  entries,
  gatewayApiValidator,
  routeRules,
  has,
  str,
  type Entry,
} from './common.js';
import { checkFilters, HTTP_FILTERS, httpFilter } from './filters.js';
import { checkHTTPMatches, effectivePath, httpMatch } from './matches.js';

const rule = z.strictObject({
  name: sectionName.optional(),
  matches: boundedList(httpMatch, 64).optional(),
  filters: boundedList(httpFilter, 16).optional(),
  backendRefs: boundedList(backendRef.extend({ filters: boundedList(httpFilter, 16).optional() }), 16).optional(),
  timeouts: z.strictObject({ request: duration.optional(), backendRequest: duration.optional() }).optional(),
  retry: z
    .strictObject({ codes: z.array(z.int().min(400).max(599)).optional(), attempts: z.int().optional(), backoff: duration.optional() })
    .optional(),
  sessionPersistence: sessionPersistence.optional(),
});

const spec = z.strictObject({
  ...commonRouteFields,
  hostnames: boundedList(hostname, 16).optional(),
  // At most 16 rules and no minimum: an empty list is allowed (only an absent one gets the default rule).
  rules: boundedList(rule, 16).optional(),
});

function checkRule(r: Entry, c: Collector): void {
  checkHTTPMatches(r.o['matches'], at(r.path, 'matches'), c);
  checkFilters(r.o['filters'], at(r.path, 'filters'), HTTP_FILTERS, c);
  const refs = checkBackendRefs(r.o['backendRefs'], at(r.path, 'backendRefs'), c);
  for (const b of refs) checkFilters(b.o['filters'], at(b.path, 'filters'), HTTP_FILTERS, c);
  if (refs.length > 0) {
    for (const f of entries(r.o['filters'], at(r.path, 'filters'))) {
      if (has(f.o, 'requestRedirect')) {
        c.error(f.path, 'a RequestRedirect filter answers the request itself, so the rule cannot also forward it to backendRefs');
      }
    }
  }
  checkPrefixReplacement(r, refs, c);
  checkTimeouts(asObject(r.o['timeouts']), at(r.path, 'timeouts'), c);
  checkSessionPersistence(r.o['sessionPersistence'], at(r.path, 'sessionPersistence'), c);
}

/** ReplacePrefixMatch replaces what a PathPrefix match matched, so the rule needs exactly one such match. */
function checkPrefixReplacement(r: Entry, refs: Entry[], c: Collector): void {
  const lists = [{ list: r.o['filters'], path: at(r.path, 'filters') }, ...refs.map((b) => ({ list: b.o['filters'], path: at(b.path, 'filters') }))];
  const matches = r.o['matches'] === undefined ? [{}] : asArray(r.o['matches']);
  const only = matches.length === 1 ? effectivePath(asObject(matches[0])) : undefined;
  if (only?.type === 'PathPrefix') return;
  const why = only ? `its match is of type ${only.type}` : `it has ${matches.length} matches`;
  for (const { list, path } of lists) {
    for (const f of entries(list, path)) {
      for (const field of ['requestRedirect', 'urlRewrite']) {
        const modifier = asObject(asObject(f.o[field])?.['path']);
        if (str(modifier, 'type') === 'ReplacePrefixMatch' && has(modifier, 'replacePrefixMatch')) {
          c.error(`${f.path}.${field}.path.replacePrefixMatch`, `ReplacePrefixMatch needs the rule to have exactly one match, of type PathPrefix, but ${why}`);
        }
      }
    }
  }
}

/** One backend attempt cannot outlast the whole request; a request timeout of 0 means none. */
function checkTimeouts(t: JsonObject | undefined, path: string, c: Collector): void {
  const request = str(t, 'request');
  const backend = str(t, 'backendRequest');
  if (request === undefined || backend === undefined) return;
  const r = parseDuration(request);
  const b = parseDuration(backend);
  if (r === undefined || b === undefined || r === 0) return;
  if (b > r) c.error(at(path, 'backendRequest'), `backendRequest (${backend}) is longer than request (${request}); a single backend attempt must fit in the whole request`);
}

export const validateHTTPRoute = gatewayApiValidator({ schema: () => spec, rules: routeRules(checkRule, 1) });
