import { describe, expect, it } from 'vitest';
import { validateHTTPRoute } from '../../helpers/validators.js';
import { assertTotal, issue, resource } from './helpers.js';

const backend = { name: 'shop', port: 8080 };
const route = (rule: Record<string, unknown>, spec: Record<string, unknown> = {}): unknown => ({
  parentRefs: [{ name: 'edge' }],
  rules: [{ backendRefs: [backend], ...rule }],
  ...spec,
});
const prefix = (value: string): unknown => ({ path: { type: 'PathPrefix', value } });
const rewrite = (path: Record<string, unknown>): unknown => ({ type: 'URLRewrite', urlRewrite: { path } });
const setHeader = (name: string): unknown => ({ name, value: 'v' });
const report = (spec: unknown): ReturnType<typeof validateHTTPRoute> => validateHTTPRoute(resource('HTTPRoute', spec));

describe('HTTPRoute', () => {
  it.each<[string, unknown]>([
    ['a route with no rules (the API server adds a catch-all)', { parentRefs: [{ name: 'edge' }] }],
    ['an empty rules list (the CRD sets no minimum)', { parentRefs: [{ name: 'edge' }], rules: [] }],
    ['hostnames, exact and wildcard', route({}, { hostnames: ['shop.example.com', '*.example.com'] })],
    ['every kind of match', route({ matches: [{ path: { type: 'Exact', value: '/cart' }, headers: [{ name: 'x-env', value: 'canary' }], queryParams: [{ name: 'v', value: '2' }], method: 'POST' }] })],
    ['an RE2 path regex', route({ matches: [{ path: { type: 'RegularExpression', value: '/shop/[a-z]+/\\d{3}' } }] })],
    ['a path with percent-escapes and sub-delimiters', route({ matches: [prefix("/a%20b/c;d=e/~f!$&'()*+,:@")] })],
    ['weighted backends, one drained', route({ backendRefs: [{ ...backend, weight: 90 }, { name: 'shop-v2', port: 8080, weight: 0 }] })],
    ['a backend that is not a Service needs no port', route({ backendRefs: [{ group: 'multicluster.x-k8s.io', kind: 'ServiceImport', name: 'shop' }] })],
    ['a rewrite of the prefix under one PathPrefix match', route({ matches: [prefix('/shop')], filters: [rewrite({ type: 'ReplacePrefixMatch', replacePrefixMatch: '/' })] })],
    ['a prefix rewrite with the default match', route({ filters: [rewrite({ type: 'ReplacePrefixMatch', replacePrefixMatch: '' })] })],
    ['a full-path rewrite with several matches', route({ matches: [prefix('/a'), prefix('/b')], filters: [rewrite({ type: 'ReplaceFullPath', replaceFullPath: '/x' })] })],
    ['a redirect without backends', { rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301, port: 443, hostname: 'shop.example.com' } }] }] }],
    ['a header modifier acting on distinct headers', route({ filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [setHeader('a')], add: [setHeader('b')], remove: ['c'] } }] })],
    ['several mirrors and extension filters', route({ filters: [
      { type: 'RequestMirror', requestMirror: { backendRef: { name: 'm1', port: 80 }, percent: 10 } },
      { type: 'RequestMirror', requestMirror: { backendRef: { name: 'm2', port: 80 }, fraction: { numerator: 1, denominator: 1000 } } },
      { type: 'ExtensionRef', extensionRef: { group: 'example.com', kind: 'Auth', name: 'a' } },
      { type: 'ExtensionRef', extensionRef: { group: 'example.com', kind: 'Log', name: 'b' } },
    ] })],
    ['per-backend filters', route({ backendRefs: [{ ...backend, filters: [{ type: 'ResponseHeaderModifier', responseHeaderModifier: { remove: ['server'] } }] }] })],
    ['timeouts with backendRequest within request', route({ timeouts: { request: '10s', backendRequest: '2s500ms' } })],
    ['a backendRequest timeout under a disabled request timeout', route({ timeouts: { request: '0s', backendRequest: '1h' } })],
    ['parentRefs to two listeners of one Gateway', route({}, { parentRefs: [{ name: 'edge', sectionName: 'http' }, { name: 'edge', sectionName: 'https' }] })],
    ['parentRefs to two ports of one Gateway', route({}, { parentRefs: [{ name: 'edge', port: 80 }, { name: 'edge', port: 443 }] })],
    ['the same Gateway name in two namespaces', route({}, { parentRefs: [{ name: 'edge' }, { name: 'edge', namespace: 'infra' }] })],
    ['CORS', route({ filters: [{ type: 'CORS', cors: { allowOrigins: ['https://shop.example.com', 'https://*.example.com:8443'], allowMethods: ['GET', 'POST'], allowHeaders: ['*'], maxAge: 60, allowCredentials: true } }] })],
    ['external auth over HTTP', route({ filters: [{ type: 'ExternalAuth', externalAuth: { protocol: 'HTTP', backendRef: { name: 'auth', port: 9000 }, http: { path: '/check' } } }] })],
    ['header-based session persistence', route({ sessionPersistence: { type: 'Header', sessionName: 's', header: { name: 'x-session' } } })],
    ['cookie session persistence with the newer cookie field', route({ sessionPersistence: { type: 'Cookie', cookie: { lifetimeType: 'Session' } } })],
    ['session persistence without an explicit type', route({ sessionPersistence: { sessionName: 's' } })],
    ['cookie sessions written for the older API (sessionName, no cookie settings)', route({ sessionPersistence: { type: 'Cookie', sessionName: 's' } })],
    ['header sessions written for the older API (sessionName names the header)', route({ sessionPersistence: { type: 'Header', sessionName: 'x-session' } })],
    ['retries and session persistence', route({ name: 'main', retry: { codes: [502, 503], attempts: 3, backoff: '100ms' }, sessionPersistence: { type: 'Cookie', cookieConfig: { lifetimeType: 'Permanent' }, absoluteTimeout: '1h' } })],
  ])('accepts %s', (_name, spec) => {
    expect(report(spec).errors).toEqual([]);
  });

  it.each<[string, unknown, string, string]>([
    // structure
    ['a hostname with a scheme', route({}, { hostnames: ['http://shop'] }), 'spec.hostnames[0]', 'must be a lower-case DNS name, optionally starting with a "*." wildcard label (no ports, schemes or paths)'],
    ['an unknown path type', route({ matches: [{ path: { type: 'Prefix', value: '/' } }] }), 'spec.rules[0].matches[0].path.type', 'must be one of "Exact", "PathPrefix", "RegularExpression"; got the string "Prefix"'],
    ['a lower-case method', route({ matches: [{ method: 'get' }] }), 'spec.rules[0].matches[0].method', 'must be one of "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"; got the string "get"'],
    ['a header name with a colon', route({ matches: [{ headers: [{ name: ':authority', value: 'x' }] }] }), 'spec.rules[0].matches[0].headers[0].name', 'must be an HTTP header name: letters, digits and !#$%&\'*+-.^_`|~ only (no spaces, ":" or "/")'],
    ['an empty header value', route({ matches: [{ headers: [{ name: 'x', value: '' }] }] }), 'spec.rules[0].matches[0].headers[0].value', 'must not be empty'],
    ['a weight above the maximum', route({ backendRefs: [{ ...backend, weight: 1000001 }] }), 'spec.rules[0].backendRefs[0].weight', 'must be at most 1000000; got the number 1000001'],
    ['a negative weight', route({ backendRefs: [{ ...backend, weight: -1 }] }), 'spec.rules[0].backendRefs[0].weight', 'must be at least 0; got the number -1'],
    ['an unknown filter type', route({ filters: [{ type: 'RateLimit' }] }), 'spec.rules[0].filters[0].type', 'must be one of "RequestHeaderModifier", "ResponseHeaderModifier", "RequestMirror", "RequestRedirect", "URLRewrite", "CORS", "ExternalAuth", "ExtensionRef"; got the string "RateLimit"'],
    ['an unsupported redirect status code', { rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { statusCode: 304 } }] }] }, 'spec.rules[0].filters[0].requestRedirect.statusCode', 'must be one of 301, 302, 303, 307, 308; got the number 304'],
    ['a redirect to a wildcard host', { rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { hostname: '*.example.com' } }] }] }, 'spec.rules[0].filters[0].requestRedirect.hostname', 'must be a lower-case DNS name without wildcards, ports, schemes or paths'],
    ['a mirror percentage over 100', route({ filters: [{ type: 'RequestMirror', requestMirror: { backendRef: { name: 'm', port: 80 }, percent: 101 } }] }), 'spec.rules[0].filters[0].requestMirror.percent', 'must be at most 100; got the number 101'],
    ['a timeout in Go syntax the Gateway API does not accept', route({ timeouts: { request: '1.5s' } }), 'spec.rules[0].timeouts.request', 'must be a duration such as 10s, 500ms or 1h30m (1 to 4 parts of up to 5 digits with unit h, m, s or ms)'],
    ['seventeen rules', { rules: Array.from({ length: 17 }, () => ({ backendRefs: [backend] })) }, 'spec.rules', 'must have at most 16 entries; it has 17'],
    ['a CORS origin with a path', route({ filters: [{ type: 'CORS', cors: { allowOrigins: ['https://example.com/app'] } }] }), 'spec.rules[0].filters[0].cors.allowOrigins[0]', 'must be "*" or an origin like https://example.com, https://*.example.com or http://example.com:8080'],
    ['a retry code outside 400-599', route({ retry: { codes: [302] } }), 'spec.rules[0].retry.codes[0]', 'must be at least 400; got the number 302'],
    // CRD rules (CEL)
    ['a relative Exact path', route({ matches: [{ path: { type: 'Exact', value: 'cart' } }] }), 'spec.rules[0].matches[0].path.value', 'Exact path "cart" must be an absolute path starting with "/"'],
    ['a path with a relative value and the default type', route({ matches: [{ path: { value: 'cart' } }] }), 'spec.rules[0].matches[0].path.value', 'PathPrefix path "cart" must be an absolute path starting with "/"'],
    ['a path with "//"', route({ matches: [prefix('/a//b')] }), 'spec.rules[0].matches[0].path.value', 'PathPrefix path "/a//b" must not contain "//"'],
    ['a path with "/./"', route({ matches: [prefix('/a/./b')] }), 'spec.rules[0].matches[0].path.value', 'PathPrefix path "/a/./b" must not contain "/./"'],
    ['a path with "/../"', route({ matches: [prefix('/a/../b')] }), 'spec.rules[0].matches[0].path.value', 'PathPrefix path "/a/../b" must not contain "/../"'],
    ['a path with an encoded slash', route({ matches: [prefix('/a%2Fb')] }), 'spec.rules[0].matches[0].path.value', 'PathPrefix path "/a%2Fb" must not contain an encoded slash (%2f)'],
    ['a path with a fragment', route({ matches: [prefix('/a#top')] }), 'spec.rules[0].matches[0].path.value', 'PathPrefix path "/a#top" must not contain "#" (a fragment is never sent to the server)'],
    ['a path ending in "/.."', route({ matches: [prefix('/a/..')] }), 'spec.rules[0].matches[0].path.value', 'PathPrefix path "/a/.." must not end with "/.."'],
    ['a path ending in "/."', route({ matches: [prefix('/a/.')] }), 'spec.rules[0].matches[0].path.value', 'PathPrefix path "/a/." must not end with "/."'],
    ['a path with a space', route({ matches: [prefix('/a b')] }), 'spec.rules[0].matches[0].path.value', 'PathPrefix path "/a b" contains characters not allowed in a URL path (" "); percent-encode them'],
    ['a path with a broken escape', route({ matches: [prefix('/a%zz')] }), 'spec.rules[0].matches[0].path.value', 'PathPrefix path "/a%zz" contains a "%" that is not followed by two hex digits; percent-encode them'],
    ['a Service backend without a port', route({ backendRefs: [{ name: 'shop' }] }), 'spec.rules[0].backendRefs[0].port', 'required when the backend is a Service: give the Service port (not the target port) to send traffic to'],
    ['a mirror to a Service without a port', route({ filters: [{ type: 'RequestMirror', requestMirror: { backendRef: { name: 'm' } } }] }), 'spec.rules[0].filters[0].requestMirror.backendRef.port', 'required when the backend is a Service: give the Service port (not the target port) to send traffic to'],
    ['a redirect next to backends', route({ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https' } }] }), 'spec.rules[0].filters[0]', 'a RequestRedirect filter answers the request itself, so the rule cannot also forward it to backendRefs'],
    ['a redirect and a rewrite in one rule', { rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: {} }, { type: 'URLRewrite', urlRewrite: {} }] }] }, 'spec.rules[0].filters[1].type', 'RequestRedirect and URLRewrite cannot be combined: a redirect answers the client, so nothing is forwarded to rewrite'],
    ['two rewrites', route({ filters: [{ type: 'URLRewrite', urlRewrite: {} }, { type: 'URLRewrite', urlRewrite: {} }] }), 'spec.rules[0].filters[1].type', 'rules[0].filters[0] is already a URLRewrite filter; this filter type may appear only once per list'],
    ['two CORS filters on one backend', route({ backendRefs: [{ ...backend, filters: [{ type: 'CORS', cors: {} }, { type: 'CORS', cors: {} }] }] }), 'spec.rules[0].backendRefs[0].filters[1].type', 'rules[0].backendRefs[0].filters[0] is already a CORS filter; this filter type may appear only once per list'],
    ['a filter without its configuration', route({ filters: [{ type: 'URLRewrite' }] }), 'spec.rules[0].filters[0].urlRewrite', 'required for a filter of type URLRewrite'],
    ['a prefix rewrite with two matches', route({ matches: [prefix('/a'), prefix('/b')], filters: [rewrite({ type: 'ReplacePrefixMatch', replacePrefixMatch: '/' })] }), 'spec.rules[0].filters[0].urlRewrite.path.replacePrefixMatch', 'ReplacePrefixMatch needs the rule to have exactly one match, of type PathPrefix, but it has 2 matches'],
    ['a prefix redirect under an Exact match', { rules: [{ matches: [{ path: { type: 'Exact', value: '/a' } }], filters: [{ type: 'RequestRedirect', requestRedirect: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/b' } } }] }] }, 'spec.rules[0].filters[0].requestRedirect.path.replacePrefixMatch', 'ReplacePrefixMatch needs the rule to have exactly one match, of type PathPrefix, but its match is of type Exact'],
    ['a per-backend prefix rewrite under a regex match', route({ matches: [{ path: { type: 'RegularExpression', value: '/a.*' } }], backendRefs: [{ ...backend, filters: [rewrite({ type: 'ReplacePrefixMatch', replacePrefixMatch: '/' })] }] }), 'spec.rules[0].backendRefs[0].filters[0].urlRewrite.path.replacePrefixMatch', 'ReplacePrefixMatch needs the rule to have exactly one match, of type PathPrefix, but its match is of type RegularExpression'],
    ['a full-path rewrite without the path', route({ filters: [rewrite({ type: 'ReplaceFullPath' })] }), 'spec.rules[0].filters[0].urlRewrite.path.replaceFullPath', 'required when type is ReplaceFullPath'],
    ['a prefix value under the full-path type', route({ filters: [rewrite({ type: 'ReplaceFullPath', replaceFullPath: '/x', replacePrefixMatch: '/y' })] }), 'spec.rules[0].filters[0].urlRewrite.path.replacePrefixMatch', 'only allowed when type is ReplacePrefixMatch; this path modifier has type ReplaceFullPath'],
    ['a mirror with both percent and fraction', route({ filters: [{ type: 'RequestMirror', requestMirror: { backendRef: { name: 'm', port: 80 }, percent: 5, fraction: { numerator: 1 } } }] }), 'spec.rules[0].filters[0].requestMirror.fraction', 'set percent or fraction, not both'],
    ['a mirror fraction above one', route({ filters: [{ type: 'RequestMirror', requestMirror: { backendRef: { name: 'm', port: 80 }, fraction: { numerator: 101 } } }] }), 'spec.rules[0].filters[0].requestMirror.fraction.numerator', 'the fraction 101/100 is more than all requests; numerator must not exceed denominator'],
    ['a CORS wildcard next to other origins', route({ filters: [{ type: 'CORS', cors: { allowOrigins: ['*', 'https://a.example.com'] } }] }), 'spec.rules[0].filters[0].cors.allowOrigins', '"*" already allows every origin; list it alone or list specific origins without it'],
    ['a CORS wildcard next to other methods', route({ filters: [{ type: 'CORS', cors: { allowMethods: ['GET', '*'] } }] }), 'spec.rules[0].filters[0].cors.allowMethods', '"*" already allows every method; list it alone or list specific methods without it'],
    ['external auth over gRPC without its settings', route({ filters: [{ type: 'ExternalAuth', externalAuth: { protocol: 'GRPC', backendRef: { name: 'auth', port: 9000 } } }] }), 'spec.rules[0].filters[0].externalAuth.grpc', 'required when protocol is GRPC (an empty grpc: {} keeps the defaults)'],
    ['external auth with the other protocol\'s settings', route({ filters: [{ type: 'ExternalAuth', externalAuth: { protocol: 'GRPC', grpc: {}, http: {}, backendRef: { name: 'auth', port: 9000 } } }] }), 'spec.rules[0].filters[0].externalAuth.http', 'only allowed when protocol is HTTP; this filter uses GRPC'],
    ['a backendRequest timeout longer than the request timeout', route({ timeouts: { request: '10s', backendRequest: '1m' } }), 'spec.rules[0].timeouts.backendRequest', 'backendRequest (1m) is longer than request (10s); a single backend attempt must fit in the whole request'],
    ['two parentRefs to one Gateway, one without sectionName', route({}, { parentRefs: [{ name: 'edge' }, { name: 'edge', sectionName: 'https' }] }), 'spec.parentRefs[1]', 'parentRefs[0] refers to the same parent; when a parent is listed more than once, every entry must set sectionName (or port) the same way to pick a distinct part of it'],
    ['two parentRefs to one listener', route({}, { parentRefs: [{ name: 'edge', sectionName: 'http' }, { name: 'edge', sectionName: 'http', group: 'gateway.networking.k8s.io' }] }), 'spec.parentRefs[1]', 'duplicates parentRefs[0]: same parent, same sectionName and port; remove one or pick a different listener'],
    ['two rules with one name', { rules: [{ name: 'main', backendRefs: [backend] }, { name: 'main', backendRefs: [backend] }] }, 'spec.rules[1].name', 'rules[0] already has the name "main"; rule names must be unique within the route'],
    ['more than 128 matches in total', { rules: Array.from({ length: 3 }, () => ({ matches: Array.from({ length: 43 }, () => ({})), backendRefs: [backend] })) }, 'spec.rules', 'the rules have 129 matches in total; a route may have at most 128 across all its rules'],
    ['128 matches plus a rule with the default match', { rules: [...Array.from({ length: 2 }, () => ({ matches: Array.from({ length: 64 }, () => ({})), backendRefs: [backend] })), { backendRefs: [backend] }] }, 'spec.rules', 'the rules have 129 matches in total; a route may have at most 128 across all its rules'],
    ['a permanent session cookie without a timeout', route({ sessionPersistence: { cookieConfig: { lifetimeType: 'Permanent' } } }), 'spec.rules[0].sessionPersistence.absoluteTimeout', 'required when the cookie lifetimeType is Permanent: it sets how long the cookie lives'],
    ['cookie settings for header-based sessions', route({ sessionPersistence: { type: 'Header', header: { name: 'x-session' }, cookieConfig: {} } }), 'spec.rules[0].sessionPersistence.cookieConfig', 'only allowed when type is Cookie; this session persistence has type Header'],
    ['header-based sessions without header settings', route({ sessionPersistence: { type: 'Header' } }), 'spec.rules[0].sessionPersistence.header', 'required when type is Header: it says which header carries the session'],
    ['cookie-based sessions without cookie settings', route({ sessionPersistence: { type: 'Cookie', absoluteTimeout: '1h' } }), 'spec.rules[0].sessionPersistence.cookie', 'required when type is Cookie: it configures the session cookie'],
    ['header settings for cookie-based sessions', route({ sessionPersistence: { type: 'Cookie', cookie: {}, header: {} } }), 'spec.rules[0].sessionPersistence.header', 'only allowed when type is Header; this session persistence has type Cookie'],
    ['a permanent session cookie (newer field) without a timeout', route({ sessionPersistence: { type: 'Cookie', cookie: { lifetimeType: 'Permanent' } } }), 'spec.rules[0].sessionPersistence.absoluteTimeout', 'required when the cookie lifetimeType is Permanent: it sets how long the cookie lives'],
    // the old webhook's rules, and RE2
    ['one header matched twice in different case', route({ matches: [{ headers: [{ name: 'X-Env', value: 'a' }, { name: 'x-env', value: 'b' }] }] }), 'spec.rules[0].matches[0].headers[1].name', 'header "x-env" is already matched by rules[0].matches[0].headers[0] (header names are case-insensitive); keep one entry per header'],
    ['one query parameter matched twice', route({ matches: [{ queryParams: [{ name: 'v', value: '1' }, { name: 'v', value: '2' }] }] }), 'spec.rules[0].matches[0].queryParams[1].name', 'query parameter "v" is already matched by rules[0].matches[0].queryParams[0]; keep one entry per parameter'],
    ['a header both set and removed', route({ filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [setHeader('X-Debug')], remove: ['x-debug'] } }] }), 'spec.rules[0].filters[0].requestHeaderModifier.remove[0]', 'header "x-debug" is already handled by rules[0].filters[0].requestHeaderModifier.set[0]; a modifier may act on each header only once (names are case-insensitive)'],
    ['a header added twice', route({ filters: [{ type: 'ResponseHeaderModifier', responseHeaderModifier: { add: [setHeader('a'), setHeader('A')] } }] }), 'spec.rules[0].filters[0].responseHeaderModifier.add[1].name', 'header "A" is already handled by rules[0].filters[0].responseHeaderModifier.add[0]; a modifier may act on each header only once (names are case-insensitive)'],
    ['a look-ahead in a path regex', route({ matches: [{ path: { type: 'RegularExpression', value: '/(?!admin).*' } }] }), 'spec.rules[0].matches[0].path.value', 'not a valid RE2 regular expression (invalid or unsupported Perl syntax: `(?!`); Envoy uses RE2 syntax, which has no look-arounds or back-references'],
    ['a back-reference in a header regex', route({ matches: [{ headers: [{ type: 'RegularExpression', name: 'x', value: '(a)\\1' }] }] }), 'spec.rules[0].matches[0].headers[0].value', 'not a valid RE2 regular expression (invalid escape sequence: `\\1`); Envoy uses RE2 syntax, which has no look-arounds or back-references'],
    ['an unbalanced query regex', route({ matches: [{ queryParams: [{ type: 'RegularExpression', name: 'q', value: '(a' }] }] }), 'spec.rules[0].matches[0].queryParams[0].value', 'not a valid RE2 regular expression (missing closing ): `(a`); Envoy uses RE2 syntax, which has no look-arounds or back-references'],
  ])('rejects %s', (_name, spec, path, message) => {
    expect(report(spec).errors).toEqual([issue(path, message)]);
  });

  it.each<[string, unknown, string]>([
    ['an IP as a hostname', route({}, { hostnames: ['10.0.0.1'] }), 'spec.hostnames[0]: an IP address never matches; route hostnames are DNS names'],
    ['a hostname listed twice', route({}, { hostnames: ['a.example.com', 'a.example.com'] }), 'spec.hostnames[1]: duplicates an earlier hostname'],
    ['backends that all weigh 0', route({ backendRefs: [{ ...backend, weight: 0 }] }), 'spec.rules[0].backendRefs: every weight is 0, so the rule sends no traffic'],
    ['a header value with a trailing space', route({ matches: [{ headers: [{ name: 'x', value: 'a ' }] }] }), 'spec.rules[0].matches[0].headers[0].value: should be printable ASCII, no leading/trailing/double spaces'],
    ['a field this release does not know', route({ matches: [{ path: { type: 'Exact', value: '/', ignoreCase: true } }] }), 'spec.rules[0].matches[0].path.ignoreCase: unknown field; the API server will drop it'],
  ])('warns about %s', (_name, spec, warning) => {
    const r = report(spec);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([warning]);
  });

  it('checks v1beta1 routes with the same rules', () => {
    const r = validateHTTPRoute(resource('HTTPRoute', route({ backendRefs: [{ name: 'shop' }] }), 'gateway.networking.k8s.io/v1beta1'));
    expect(r.errors).toEqual([issue('spec.rules[0].backendRefs[0].port', 'required when the backend is a Service: give the Service port (not the target port) to send traffic to')]);
  });

  it('never throws and always names a field', () => {
    assertTotal(validateHTTPRoute, 'HTTPRoute', ['parentRefs', 'hostnames', 'rules', 'matches', 'path', 'type', 'value', 'headers',
      'queryParams', 'name', 'method', 'filters', 'requestHeaderModifier', 'set', 'add', 'remove', 'requestRedirect', 'urlRewrite',
      'replacePrefixMatch', 'replaceFullPath', 'requestMirror', 'backendRef', 'percent', 'fraction', 'numerator', 'denominator',
      'cors', 'allowOrigins', 'allowMethods', 'externalAuth', 'protocol', 'grpc', 'http', 'backendRefs', 'port', 'kind', 'group',
      'weight', 'timeouts', 'request', 'backendRequest', 'sessionPersistence', 'cookieConfig', 'lifetimeType', 'sectionName']);
  });
});
