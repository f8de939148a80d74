// Filters of HTTPRoute and GRPCRoute rules and backendRefs: their schemas and the CRDs' rules
// (the type names the one config field that must be set; most types at most once per list;
// redirect and rewrite exclude each other), plus the old webhook's header-modifier rule.
import { z } from 'zod';
import { at, type Collector } from '../issues.js';
import { asArray, asNumber, asObject, asString, type JsonObject } from '../common/values.js';
import { boundedList } from '../common/zod-report.js';
import {
  backendObjectRef,
  corsOrigin,
  headerModifier,
  headerName,
  HEADER_NAME_RE,
  localObjectRef,
  portNumber,
  preciseHostname,
  requestMirror,
  URL_PATH_RE,
} from './types.js';
import { checkBackendPort, eachDuplicate, entries, has, rel, str, type Entry } from './common.js';
import { HTTP_METHODS } from './matches.js';

const pathModifier = z.strictObject({
  type: z.enum(['ReplaceFullPath', 'ReplacePrefixMatch']),
  replaceFullPath: z.string().max(1024).optional(),
  replacePrefixMatch: z.string().max(1024).optional(),
});

const cors = z.strictObject({
  allowOrigins: boundedList(corsOrigin, 64).optional(),
  allowCredentials: z.boolean().optional(),
  allowMethods: boundedList(z.enum([...HTTP_METHODS, '*']), 9).optional(),
  allowHeaders: boundedList(headerName, 64).optional(),
  exposeHeaders: boundedList(headerName, 64).optional(),
  maxAge: z.int().min(1).optional(),
});

const headerList = boundedList(z.string(), 64).optional();
const externalAuth = z.strictObject({
  protocol: z.enum(['HTTP', 'GRPC']),
  backendRef: backendObjectRef,
  grpc: z.strictObject({ allowedHeaders: headerList }).optional(),
  http: z
    .strictObject({
      path: z.string().max(1024).regex(URL_PATH_RE, 'must be a URL path of unreserved characters or %XX escapes, e.g. /auth').optional(),
      allowedHeaders: headerList,
      allowedResponseHeaders: headerList,
    })
    .optional(),
  forwardBody: z.strictObject({ maxSize: z.int().min(0).max(65535).optional() }).optional(),
});

/** Filter type → the field that carries its configuration, per route kind. */
interface FilterFamily {
  readonly fields: Readonly<Record<string, string>>;
  /** Types that may appear at most once in one filter list. */
  readonly once: readonly string[];
}

export const HTTP_FILTERS: FilterFamily = {
  fields: {
    RequestHeaderModifier: 'requestHeaderModifier',
    ResponseHeaderModifier: 'responseHeaderModifier',
    RequestMirror: 'requestMirror',
    RequestRedirect: 'requestRedirect',
    URLRewrite: 'urlRewrite',
    CORS: 'cors',
    ExternalAuth: 'externalAuth',
    ExtensionRef: 'extensionRef',
  },
  once: ['RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestRedirect', 'URLRewrite', 'CORS'],
};

export const GRPC_FILTERS: FilterFamily = {
  fields: {
    RequestHeaderModifier: 'requestHeaderModifier',
    ResponseHeaderModifier: 'responseHeaderModifier',
    RequestMirror: 'requestMirror',
    ExtensionRef: 'extensionRef',
  },
  once: ['RequestHeaderModifier', 'ResponseHeaderModifier'],
};

const filterFieldTypes = (family: FilterFamily): [string, ...string[]] => Object.keys(family.fields) as [string, ...string[]];

export const httpFilter = z.strictObject({
  type: z.enum(filterFieldTypes(HTTP_FILTERS)),
  requestHeaderModifier: headerModifier.optional(),
  responseHeaderModifier: headerModifier.optional(),
  requestMirror: requestMirror.optional(),
  requestRedirect: z
    .strictObject({
      scheme: z.enum(['http', 'https']).optional(),
      hostname: preciseHostname.optional(),
      path: pathModifier.optional(),
      port: portNumber.optional(),
      statusCode: z.literal([301, 302, 303, 307, 308]).optional(),
    })
    .optional(),
  urlRewrite: z.strictObject({ hostname: preciseHostname.optional(), path: pathModifier.optional() }).optional(),
  cors: cors.optional(),
  externalAuth: externalAuth.optional(),
  extensionRef: localObjectRef.optional(),
});

export const grpcFilter = z.strictObject({
  type: z.enum(filterFieldTypes(GRPC_FILTERS)),
  requestHeaderModifier: headerModifier.optional(),
  responseHeaderModifier: headerModifier.optional(),
  requestMirror: requestMirror.optional(),
  extensionRef: localObjectRef.optional(),
});

/** Every rule on one list of filters (a rule's, or one backendRef's). */
export function checkFilters(list: unknown, path: string, family: FilterFamily, c: Collector): void {
  const items = entries(list, path);
  for (const f of items) {
    checkFilterFields(f, family, c);
    checkFilterConfig(f, c);
  }
  const once = items.filter((f) => family.once.includes(str(f.o, 'type') ?? ''));
  eachDuplicate(once, (f) => str(f.o, 'type'), (later, first) => {
    c.error(at(later.path, 'type'), `${rel(first.path)} is already a ${str(later.o, 'type')} filter; this filter type may appear only once per list`);
  });
  const redirect = items.find((f) => str(f.o, 'type') === 'RequestRedirect');
  const rewrite = items.find((f) => str(f.o, 'type') === 'URLRewrite');
  if (redirect && rewrite) {
    const later = redirect.i > rewrite.i ? redirect : rewrite;
    c.error(at(later.path, 'type'), 'RequestRedirect and URLRewrite cannot be combined: a redirect answers the client, so nothing is forwarded to rewrite');
  }
}

/** The type names exactly one configuration field: that one must be set, no other may be. */
function checkFilterFields(f: Entry, family: FilterFamily, c: Collector): void {
  const type = str(f.o, 'type');
  if (type === undefined) return;
  for (const [owner, field] of Object.entries(family.fields)) {
    if (owner === type && !has(f.o, field)) c.error(at(f.path, field), `required for a filter of type ${type}`);
    if (owner !== type && has(f.o, field)) c.error(at(f.path, field), `only allowed in a filter of type ${owner}; this filter has type ${type}`);
  }
}

function checkFilterConfig(f: Entry, c: Collector): void {
  for (const field of ['requestHeaderModifier', 'responseHeaderModifier']) {
    checkHeaderModifier(asObject(f.o[field]), at(f.path, field), c);
  }
  checkMirror(asObject(f.o['requestMirror']), at(f.path, 'requestMirror'), c);
  for (const field of ['requestRedirect', 'urlRewrite']) {
    const p = at(at(f.path, field), 'path');
    checkPathModifier(asObject(asObject(f.o[field])?.['path']), p, c);
  }
  checkCORS(asObject(f.o['cors']), at(f.path, 'cors'), c);
  checkExternalAuth(asObject(f.o['externalAuth']), at(f.path, 'externalAuth'), c);
}

/** A modifier may act on each header once, across set, add and remove (names ignore case). */
function checkHeaderModifier(m: JsonObject | undefined, path: string, c: Collector): void {
  if (!m) return;
  const actions: Array<{ name: string; path: string; where: string }> = [];
  for (const action of ['set', 'add']) {
    for (const h of entries(m[action], at(path, action))) {
      const name = str(h.o, 'name');
      if (name !== undefined) actions.push({ name, path: at(h.path, 'name'), where: rel(h.path) });
    }
  }
  asArray(m['remove']).forEach((v, i) => {
    const name = asString(v);
    const where = at(at(path, 'remove'), i);
    if (name === undefined) return;
    if (!HEADER_NAME_RE.test(name)) c.warn(`${where}: not a valid HTTP header name, so nothing is removed`);
    actions.push({ name, path: where, where: rel(where) });
  });
  eachDuplicate(actions, (a) => a.name.toLowerCase(), (later, first) => {
    c.error(later.path, `header "${later.name}" is already handled by ${first.where}; a modifier may act on each header only once (names are case-insensitive)`);
  });
}

function checkMirror(m: JsonObject | undefined, path: string, c: Collector): void {
  if (!m) return;
  if (has(m, 'percent') && has(m, 'fraction')) c.error(at(path, 'fraction'), 'set percent or fraction, not both');
  const fraction = asObject(m['fraction']);
  const numerator = asNumber(fraction?.['numerator']);
  const denominator = asNumber(fraction?.['denominator']) ?? 100;
  if (numerator !== undefined && numerator > denominator) {
    c.error(at(at(path, 'fraction'), 'numerator'), `the fraction ${numerator}/${denominator} is more than all requests; numerator must not exceed denominator`);
  }
  const ref = asObject(m['backendRef']);
  if (ref) checkBackendPort(ref, at(path, 'backendRef'), c);
}

const PATH_MODIFIERS: ReadonlyArray<readonly [string, string]> = [
  ['ReplaceFullPath', 'replaceFullPath'],
  ['ReplacePrefixMatch', 'replacePrefixMatch'],
];

function checkPathModifier(p: JsonObject | undefined, path: string, c: Collector): void {
  const type = str(p, 'type');
  if (!p || type === undefined) return;
  for (const [owner, field] of PATH_MODIFIERS) {
    if (type === owner && !has(p, field)) c.error(at(path, field), `required when type is ${owner}`);
    if (type !== owner && has(p, field)) c.error(at(path, field), `only allowed when type is ${owner}; this path modifier has type ${type}`);
  }
  const full = str(p, 'replaceFullPath');
  if (full !== undefined && !full.startsWith('/')) c.warn(`${at(path, 'replaceFullPath')}: does not start with "/"`);
}

const CORS_WILDCARD_LISTS: ReadonlyArray<readonly [string, string]> = [
  ['allowOrigins', 'origin'],
  ['allowMethods', 'method'],
  ['allowHeaders', 'header'],
];

function checkCORS(cfg: JsonObject | undefined, path: string, c: Collector): void {
  if (!cfg) return;
  for (const [field, what] of CORS_WILDCARD_LISTS) {
    const list = asArray(cfg[field]);
    if (list.includes('*') && list.length > 1) {
      c.error(at(path, field), `"*" already allows every ${what}; list it alone or list specific ${what}s without it`);
    }
  }
}

const AUTH_PROTOCOLS: ReadonlyArray<readonly [string, string]> = [
  ['GRPC', 'grpc'],
  ['HTTP', 'http'],
];

function checkExternalAuth(cfg: JsonObject | undefined, path: string, c: Collector): void {
  if (!cfg) return;
  const protocol = str(cfg, 'protocol');
  for (const [owner, field] of AUTH_PROTOCOLS) {
    if (protocol === owner && !has(cfg, field)) c.error(at(path, field), `required when protocol is ${owner} (an empty ${field}: {} keeps the defaults)`);
    if (protocol !== undefined && protocol !== owner && has(cfg, field)) {
      c.error(at(path, field), `only allowed when protocol is ${owner}; this filter uses ${protocol}`);
    }
  }
  const ref = asObject(cfg['backendRef']);
  if (ref) checkBackendPort(ref, at(path, 'backendRef'), c);
}
