// Request matches of HTTPRoute and GRPCRoute: schemas, the CRDs' path rules, the old webhook's
// duplicate-header rules, and RE2 checks of RegularExpression values (Envoy compiles them with
// RE2, so a look-ahead that JavaScript accepts would be rejected by the proxy).
import { z } from 'zod';
import { at, type Collector } from '../issues.js';
import { regexProblem } from '../common/regex.js';
import { asArray, asObject, asString, type JsonObject } from '../common/values.js';
import { boundedList } from '../common/zod-report.js';
import { headerMatchType, headerName, URL_PATH_RE } from './types.js';
import { eachDuplicate, entries, rel, str, type Entry } from './common.js';

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'] as const;

const headerMatch = z.strictObject({ type: headerMatchType.optional(), name: headerName, value: z.string().min(1).max(4096) });
const queryParamMatch = z.strictObject({ type: headerMatchType.optional(), name: headerName, value: z.string().min(1).max(1024) });

export const httpMatch = z.strictObject({
  path: z
    .strictObject({ type: z.enum(['Exact', 'PathPrefix', 'RegularExpression']).optional(), value: z.string().max(1024).optional() })
    .optional(),
  headers: boundedList(headerMatch, 16).optional(),
  queryParams: boundedList(queryParamMatch, 16).optional(),
  method: z.enum(HTTP_METHODS).optional(),
});

export const grpcMatch = z.strictObject({
  method: z
    .strictObject({ type: headerMatchType.optional(), service: z.string().max(1024).optional(), method: z.string().max(1024).optional() })
    .optional(),
  headers: boundedList(headerMatch, 16).optional(),
});

/** The path of a match after the API server's defaults (PathPrefix "/"). */
export function effectivePath(match: JsonObject | undefined): { type: string; value: string } {
  const path = asObject(match?.['path']);
  return { type: str(path, 'type') ?? 'PathPrefix', value: str(path, 'value') ?? '/' };
}

// Exact and PathPrefix values are compared segment by segment, so they must be clean paths.
const PATH_RULES: ReadonlyArray<readonly [(v: string) => boolean, string]> = [
  [(v) => !v.startsWith('/'), 'must be an absolute path starting with "/"'],
  [(v) => v.includes('//'), 'must not contain "//"'],
  [(v) => v.includes('/./'), 'must not contain "/./"'],
  [(v) => v.includes('/../'), 'must not contain "/../"'],
  [(v) => v.includes('%2f') || v.includes('%2F'), 'must not contain an encoded slash (%2f)'],
  [(v) => v.includes('#'), 'must not contain "#" (a fragment is never sent to the server)'],
  [(v) => v.endsWith('/..'), 'must not end with "/.."'],
  [(v) => v.endsWith('/.'), 'must not end with "/."'],
];

function checkPath(match: JsonObject, path: string, c: Collector): void {
  if (match['path'] === undefined) return;
  const { type, value } = effectivePath(match);
  const where = at(at(path, 'path'), 'value');
  if (type === 'RegularExpression') {
    const why = regexProblem(value);
    if (why) c.error(where, why);
    return;
  }
  if (type !== 'Exact' && type !== 'PathPrefix') return;
  for (const [broken, message] of PATH_RULES) {
    if (broken(value)) c.error(where, `${type} path "${value}" ${message}`);
  }
  // "#" has its own rule above; do not report it twice.
  const rest = value.replaceAll('#', '');
  if (rest !== '' && !URL_PATH_RE.test(rest)) {
    const bad = [...new Set([...rest].filter((ch) => !/[-A-Za-z0-9/._~!$&'()*+,;=:@%]/.test(ch)))].join('');
    const what = bad === '' ? 'a "%" that is not followed by two hex digits' : `characters not allowed in a URL path (${JSON.stringify(bad)})`;
    c.error(where, `${type} path "${value}" contains ${what}; percent-encode them`);
  }
}

/** Header matches: one entry per header (case-insensitive), RE2-valid regular expressions. */
function checkHeaderMatches(list: unknown, path: string, c: Collector): void {
  const items = entries(list, path);
  eachDuplicate(items, (h) => str(h.o, 'name')?.toLowerCase(), (later, first) => {
    c.error(at(later.path, 'name'), `header "${str(later.o, 'name')}" is already matched by ${rel(first.path)} (header names are case-insensitive); keep one entry per header`);
  });
  for (const h of items) {
    checkRegexValue(h, 'value', c);
    const value = str(h.o, 'value');
    if (value && !/^[!-~]+([\t ]?[!-~]+)*$/.test(value)) {
      c.warn(`${at(h.path, 'value')}: should be printable ASCII, no leading/trailing/double spaces`);
    }
  }
}

function checkQueryParamMatches(list: unknown, path: string, c: Collector): void {
  const items = entries(list, path);
  eachDuplicate(items, (q) => str(q.o, 'name'), (later, first) => {
    c.error(at(later.path, 'name'), `query parameter "${str(later.o, 'name')}" is already matched by ${rel(first.path)}; keep one entry per parameter`);
  });
  for (const q of items) checkRegexValue(q, 'value', c);
}

function checkRegexValue(e: Entry, field: string, c: Collector): void {
  const value = str(e.o, field);
  if (str(e.o, 'type') !== 'RegularExpression' || value === undefined) return;
  const why = regexProblem(value);
  if (why) c.error(at(e.path, field), why);
}

export function checkHTTPMatches(list: unknown, path: string, c: Collector): void {
  for (const m of entries(list, path)) {
    checkPath(m.o, m.path, c);
    checkHeaderMatches(m.o['headers'], at(m.path, 'headers'), c);
    checkQueryParamMatches(m.o['queryParams'], at(m.path, 'queryParams'), c);
  }
}

// ---- gRPC ----------------------------------------------------------------------------------

const GRPC_SERVICE = /^\.?[a-z_][a-z_0-9]*(\.[a-z_][a-z_0-9]*)*$/i;
const GRPC_METHOD = /^[A-Za-z_][A-Za-z_0-9]*$/;

function checkMethodMatch(value: unknown, path: string, c: Collector): void {
  const m = asObject(value);
  if (!m) return;
  const service = asString(m['service']);
  const method = asString(m['method']);
  if (m['service'] === undefined && m['method'] === undefined) {
    c.error(path, 'set service, method or both; a method match with neither matches nothing in particular');
    return;
  }
  if ((str(m, 'type') ?? 'Exact') === 'RegularExpression') {
    for (const [field, text] of [['service', service], ['method', method]] as const) {
      const why = text === undefined ? undefined : regexProblem(text);
      if (why) c.error(at(path, field), why);
    }
    return;
  }
  if (service !== undefined && !GRPC_SERVICE.test(service)) {
    c.error(at(path, 'service'), `"${service}" is not a gRPC service name: dot-separated identifiers such as foo.bar.v1.Echo`);
  }
  if (method !== undefined && !GRPC_METHOD.test(method)) {
    c.error(at(path, 'method'), `"${method}" is not a gRPC method name: letters, digits and "_", not starting with a digit`);
  }
}

export function checkGRPCMatches(list: unknown, path: string, c: Collector): void {
  for (const m of entries(list, path)) {
    checkMethodMatch(m.o['method'], at(m.path, 'method'), c);
    checkHeaderMatches(m.o['headers'], at(m.path, 'headers'), c);
  }
}
