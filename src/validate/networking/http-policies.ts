// The per-route HTTP policies of a VirtualService: CORS, fault injection, retries, redirects,
// direct responses, rewrites and mirroring.
import { headerNameProblem } from '../common/headers.js';
import { portNumberProblem } from '../common/ports.js';
import { asArray, asNumber, asMapping, asString, type Mapping } from '../../lib/json.js';
import { at, type Collector } from '../issues.js';
import { checkDestination, checkMatchOneOf, checkPercentage, checkRegex, isSet, matchKind } from './route-parts.js';

const CORS_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', '*']);

export function checkCors(c: Collector, path: string, value: unknown): void {
  const cors = asMapping(value);
  if (!cors) return;
  asArray(cors['allowOrigins']).forEach((raw, i) => {
    const sm = asMapping(raw);
    if (!sm) return;
    const where = at(at(path, 'allowOrigins'), i);
    checkMatchOneOf(c, where, sm);
    const kind = matchKind(sm);
    if (kind === undefined || asString(sm[kind]) === '') c.error(where, 'an allowed origin needs a non-empty exact, prefix or regex');
    else if (kind === 'regex') checkRegex(c, at(where, 'regex'), sm['regex']);
  });
  asArray(cors['allowMethods']).forEach((raw, i) => {
    const m = asString(raw);
    if (m !== undefined && !CORS_METHODS.has(m))
      c.error(at(at(path, 'allowMethods'), i), `"${m}" is not an HTTP method CORS can allow; use GET, HEAD, POST, PUT, PATCH, DELETE, CONNECT, OPTIONS, TRACE or *`);
  });
  for (const field of ['allowHeaders', 'exposeHeaders']) {
    asArray(cors[field]).forEach((raw, i) => {
      const name = asString(raw);
      const problem = name === undefined ? undefined : headerNameProblem(name, { star: true });
      if (problem) c.error(at(at(path, field), i), problem);
    });
  }
  if (isSet(cors['allowOrigin'])) c.warn(`${path}.allowOrigin is deprecated; use allowOrigins`);
}

const GRPC_CODES = new Set([
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
]);

/** Istio accepts 200-600 for aborts and direct responses (its check lets 600 through). */
export function httpStatusProblem(status: number): string | undefined {
  if (status >= 200 && status <= 600) return undefined;
  return `HTTP status ${status} is out of range; use a status between 200 and 599`;
}

function checkAbort(c: Collector, path: string, abort: Mapping): void {
  checkPercentage(c, at(path, 'percentage'), abort['percentage']);
  if (isSet(abort['grpcStatus'])) {
    const status = asString(abort['grpcStatus']) ?? '';
    if (!GRPC_CODES.has(status)) c.error(at(path, 'grpcStatus'), `"${status}" is not a gRPC status code name; use one such as NOT_FOUND, UNAVAILABLE or DEADLINE_EXCEEDED`);
  } else if (isSet(abort['http2Error'])) {
    c.error(at(path, 'http2Error'), 'aborting with an HTTP/2 error is not supported; use httpStatus or grpcStatus');
  } else if (isSet(abort['httpStatus'])) {
    const problem = httpStatusProblem(asNumber(abort['httpStatus']) ?? 0);
    if (problem) c.error(at(path, 'httpStatus'), problem);
  } else {
    c.warn(`${path}: abort has no httpStatus, grpcStatus or http2Error, so it does nothing`);
  }
  if (isSet(abort['percent'])) c.warn(`${path}.percent is deprecated; use percentage`);
}

export function checkFault(c: Collector, path: string, value: unknown): void {
  const fault = asMapping(value);
  if (!fault) return;
  const abort = asMapping(fault['abort']);
  const delay = asMapping(fault['delay']);
  if (!abort && !delay) c.error(path, 'fault injection needs an abort, a delay or both');
  if (abort) checkAbort(c, at(path, 'abort'), abort);
  if (delay) {
    const where = at(path, 'delay');
    checkPercentage(c, at(where, 'percentage'), delay['percentage']);
    if (isSet(delay['exponentialDelay'])) c.error(at(where, 'exponentialDelay'), 'exponential delays are not supported; use fixedDelay');
    if (isSet(delay['percent'])) c.warn(`${where}.percent is deprecated; use percentage`);
  }
}

const RETRY_ON = new Set([
  '5xx',
  'gateway-error',
  'reset',
  'reset-before-request',
  'connect-failure',
  'retriable-4xx',
  'refused-stream',
  'retriable-status-codes',
  'retriable-headers',
  'envoy-ratelimited',
  'http3-post-connect-failure',
  'cancelled',
  'deadline-exceeded',
  'internal',
  'resource-exhausted',
  'unavailable',
]);

// Status codes Go's net/http has a name for (http.StatusText), which Istio accepts in retryOn.
const KNOWN_STATUS = new Set<number>([
  100,
  101,
  102,
  103,
  200,
  201,
  202,
  203,
  204,
  205,
  206,
  207,
  208,
  226,
  300,
  301,
  302,
  303,
  304,
  305,
  307,
  308,
  ...Array.from({ length: 19 }, (_, i) => 400 + i),
  421,
  422,
  423,
  424,
  425,
  426,
  428,
  429,
  431,
  451,
  ...Array.from({ length: 9 }, (_, i) => 500 + i),
  510,
  511,
]);

function isRetryPolicy(token: string): boolean {
  if (RETRY_ON.has(token)) return true;
  return /^[+-]?\d+$/.test(token) && KNOWN_STATUS.has(Number(token));
}

export function checkRetries(c: Collector, path: string, value: unknown): void {
  const retries = asMapping(value);
  if (!retries) return;
  const attempts = asNumber(retries['attempts']) ?? 0;
  if (attempts < 0) c.error(at(path, 'attempts'), 'attempts must not be negative');
  const configured = isSet(retries['perTryTimeout']) || (asString(retries['retryOn']) ?? '') !== '' || isSet(retries['retryRemoteLocalities']);
  if (attempts === 0 && configured) {
    c.error(at(path, 'attempts'), 'retries are disabled (attempts is 0 or unset), yet perTryTimeout, retryOn or retryRemoteLocalities is set; set attempts');
  }
  const retryOn = asString(retries['retryOn']) ?? '';
  if (retryOn === '') return;
  for (const token of retryOn.split(',')) {
    if (!isRetryPolicy(token)) c.error(at(path, 'retryOn'), `"${token}" is not a retry condition Envoy knows (such as 5xx, connect-failure, reset, or an HTTP status code)`);
  }
}

function uriMatches(route: Mapping): [number, Mapping][] {
  const out: [number, Mapping][] = [];
  asArray(route['match']).forEach((m, i) => {
    const uri = asMapping(asMapping(m)?.['uri']);
    if (uri) out.push([i, uri]);
  });
  return out;
}

/** `routePath` is the HTTP route's path: the prefixRewrite rule also looks at the route's matches. */
export function checkRedirect(c: Collector, routePath: string, route: Mapping): void {
  const redirect = asMapping(route['redirect']);
  if (!redirect) return;
  const path = at(routePath, 'redirect');
  const has = (k: string): boolean => (asString(redirect[k]) ?? '') !== '';
  const hasPort = isSet(redirect['port']) || isSet(redirect['derivePort']);
  if (!has('uri') && !has('prefixRewrite') && !has('authority') && !has('scheme') && !hasPort) {
    c.error(path, 'a redirect must change something: set uri, prefixRewrite, authority, scheme or port');
  }
  if (has('uri') && has('prefixRewrite')) c.error(at(path, 'prefixRewrite'), 'set either uri or prefixRewrite, not both');
  if (has('prefixRewrite')) {
    for (const [i, uri] of uriMatches(route)) {
      if (matchKind(uri) !== 'prefix') c.error(at(at(at(routePath, 'match'), i), 'uri'), 'prefixRewrite needs every URI match of the route to be a prefix match');
    }
  }
  checkRedirectValues(c, path, redirect);
}

function checkRedirectValues(c: Collector, path: string, redirect: Mapping): void {
  const code = asNumber(redirect['redirectCode']) ?? 0;
  if (code !== 0 && (code < 300 || code > 399)) c.error(at(path, 'redirectCode'), `${code} is not a redirect status; use a 3xx code such as 301 or 302`);
  const scheme = asString(redirect['scheme']) ?? '';
  if (scheme !== '' && scheme !== 'http' && scheme !== 'https') c.error(at(path, 'scheme'), `redirect scheme must be "http" or "https", not "${scheme}"`);
  const port = asNumber(redirect['port']) ?? 0;
  const problem = port > 0 ? portNumberProblem(port) : undefined;
  if (problem) c.error(at(path, 'port'), problem);
  if (isSet(redirect['port']) && isSet(redirect['derivePort'])) c.error(at(path, 'derivePort'), 'set either port or derivePort, not both');
}

const KIB = 1024;
const MIB = 1024 * KIB;

function base64Length(text: string): number | undefined {
  const clean = text.replace(/\s/g, '');
  if (clean.length % 4 === 1 || !/^[A-Za-z0-9+/\-_]*={0,2}$/.test(clean)) return undefined;
  const padding = clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0;
  return Math.floor((clean.length * 3) / 4) - padding;
}

function bodySize(c: Collector, path: string, body: Mapping): number {
  if (isSet(body['string']) && isSet(body['bytes'])) c.error(path, 'set either string or bytes, not both');
  const str = asString(body['string']);
  if (str !== undefined) return Buffer.byteLength(str, 'utf8');
  const bytes = asString(body['bytes']);
  if (bytes === undefined) return 0;
  const size = base64Length(bytes);
  if (size === undefined) c.error(at(path, 'bytes'), 'bytes must be base64-encoded');
  return size ?? 0;
}

export function checkDirectResponse(c: Collector, path: string, value: unknown): void {
  const dr = asMapping(value);
  if (!dr) return;
  const body = asMapping(dr['body']);
  if (body) {
    const size = bodySize(c, at(path, 'body'), body);
    if (size > MIB) c.error(at(path, 'body'), `the body is ${size} bytes; direct responses must be at most 1MiB, as they are sent to every proxy`);
    else if (size > 100 * KIB) c.warn(`${path}.body: a body over 100KiB makes every proxy's configuration larger`);
  }
  const status = asNumber(dr['status']);
  if (status !== undefined || isSet(dr['status'])) {
    const problem = httpStatusProblem(status ?? 0);
    if (problem) c.error(at(path, 'status'), problem);
  }
}

export function checkRewrite(c: Collector, path: string, value: unknown): void {
  const rewrite = asMapping(value);
  if (!rewrite) return;
  const uri = asString(rewrite['uri']) ?? '';
  const regex = asMapping(rewrite['uriRegexRewrite']);
  if (uri !== '' && regex) c.error(path, 'set either uri or uriRegexRewrite, not both');
  if (uri === '' && !regex && (asString(rewrite['authority']) ?? '') === '') {
    c.error(path, 'a rewrite must change something: set uri, uriRegexRewrite or authority');
  }
  if (!regex) return;
  const where = at(path, 'uriRegexRewrite');
  const match = asString(regex['match']) ?? '';
  if (match === '' || (asString(regex['rewrite']) ?? '') === '') c.error(where, 'uriRegexRewrite needs both match and rewrite');
  if (match !== '') checkRegex(c, at(where, 'match'), match);
}

export function checkMirrors(c: Collector, path: string, route: Mapping): void {
  const pct = asMapping(route['mirrorPercentage']);
  const value = asNumber(pct?.['value']);
  if (value !== undefined && (value < 0 || value > 100)) c.error(at(at(path, 'mirrorPercentage'), 'value'), `mirror percentage ${value} must be between 0 and 100`);
  if (isSet(route['mirrorPercent'])) {
    const old = asNumber(route['mirrorPercent']) ?? 0;
    if (old > 100) c.error(at(path, 'mirrorPercent'), `mirror percent ${old} must be at most 100`);
    c.warn(`${path}.mirrorPercent is deprecated; use mirrorPercentage`);
  }
  checkDestination(c, at(path, 'mirror'), route['mirror']);
  asArray(route['mirrors']).forEach((raw, i) => {
    const where = at(at(path, 'mirrors'), i);
    const mirror = asMapping(raw);
    if (!mirror) return c.error(where, 'a mirror entry may not be null');
    checkDestination(c, at(where, 'destination'), mirror['destination']);
    const v = asNumber(asMapping(mirror['percentage'])?.['value']);
    if (v !== undefined && (v < 0 || v > 100)) c.error(at(at(where, 'percentage'), 'value'), `mirror percentage ${v} must be between 0 and 100`);
  });
}
