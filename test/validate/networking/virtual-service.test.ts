import { describe, expect, it } from 'vitest';
import { validateVirtualService, expectIssues } from '../../helpers/validators.js';
import type { Issue } from '../../../src/validate/issues.js';
import { assertTotal, issue, reportOf } from './helpers.js';

const report = (spec: unknown, metadata?: Record<string, unknown>) => reportOf(validateVirtualService, 'VirtualService', spec, metadata);
const errorsOf = (spec: unknown) => report(spec).errors;

const dest = (host = 'reviews.default.svc.cluster.local') => ({ destination: { host } });
/** A VirtualService for reviews with one HTTP route built from `route`. */
const http = (route: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ hosts: ['reviews'], http: [{ route: [dest()], ...route }], ...extra });
const H = 'spec.http[0]';

describe('VirtualService: accepted', () => {
  it.each<[string, unknown]>([
    ['a plain route', http({})],
    [
      'weights that do not add up to 100 (Istio normalises them)',
      http({
        route: [
          { ...dest('a'), weight: 90 },
          { ...dest('b'), weight: 30 },
        ],
      }),
    ],
    ['a single destination with weight 0', http({ route: [{ ...dest(), weight: 0 }] })],
    ['a redirect without destinations', http({ route: undefined, redirect: { uri: '/v2', authority: 'new.example.com', redirectCode: 308 } })],
    ['a redirect with prefixRewrite and prefix matches', http({ route: undefined, match: [{ uri: { prefix: '/old' } }], redirect: { prefixRewrite: '/new' } })],
    ['a direct response', http({ route: undefined, directResponse: { status: 503, body: { string: 'maintenance' } } })],
    [
      'header matches on names, pseudo-headers and regex presence',
      http({ match: [{ headers: { 'x-user': { exact: 'a' }, ':authority': { prefix: 'api.' } }, withoutHeaders: { 'x-debug': { regex: '*' } } }] }),
    ],
    ['an empty URI prefix (matches everything)', http({ match: [{ uri: { prefix: '' } }] })],
    [
      'header values with Envoy variables and escaped %',
      http({ headers: { request: { set: { 'x-host': '%HOSTNAME%', 'x-pct': '100%%' } }, response: { add: { 'x-up': '%UPSTREAM_METADATA(["istio", "cluster"])%' } } } }),
    ],
    ['setting :authority once', http({ headers: { request: { set: { ':authority': 'api.internal' } } } })],
    ['retries with status codes and conditions', http({ retries: { attempts: 3, perTryTimeout: '2s', retryOn: '5xx,503,connect-failure,retriable-4xx' } })],
    ['fault injection with small percentages', http({ fault: { abort: { httpStatus: 503, percentage: { value: 0.001 } }, delay: { fixedDelay: '1.5s' } } })],
    [
      'CORS with wildcard headers and whole-second maxAge',
      http({
        corsPolicy: { allowOrigins: [{ exact: 'https://a.example.com' }, { regex: 'https://.*\\.example\\.com' }], allowMethods: ['GET', '*'], allowHeaders: ['*'], maxAge: '24h' },
      }),
    ],
    ['mirrors with percentages', http({ mirrors: [{ destination: { host: 'shadow' }, percentage: { value: 10 } }] })],
    [
      'a root route that delegates',
      { hosts: ['bookinfo.com'], gateways: ['istio-system/ingress'], http: [{ match: [{ uri: { prefix: '/reviews' } }], delegate: { name: 'reviews', namespace: 'nsA' } }] },
    ],
    ['a delegate (no hosts) with HTTP routes', { http: [{ match: [{ sourceNamespace: 'test' }], route: [dest()] }] }],
    ['"*" on a gateway', { hosts: ['*'], gateways: ['istio-system/ingress'], http: [{ route: [dest()] }] }],
    ['names after the first one without a namespace are not checked (as in Istio)', { hosts: ['a.com'], gateways: ['mesh', 'ns1/*'], http: [{ route: [dest()] }] }],
    ['an IP address as host', { hosts: ['10.0.0.1'], tcp: [{ route: [dest()] }] }],
    [
      'a generated SNI host on a gateway',
      {
        hosts: ['outbound_.15010_._.istiod.istio-system.svc.cluster.local'],
        gateways: ['ns1/gw'],
        tls: [{ match: [{ sniHosts: ['outbound_.15010_._.istiod.istio-system.svc.cluster.local'] }], route: [dest('istiod')] }],
      },
    ],
    [
      'JWT claim routing on a gateway',
      { hosts: ['a.example.com'], gateways: ['istio-system/gw'], http: [{ match: [{ headers: { '@request.auth.claims.group': { exact: 'admin' } } }], route: [dest()] }] },
    ],
    ['TCP routes with subnets and ports', { hosts: ['db'], tcp: [{ match: [{ destinationSubnets: ['10.0.0.0/8', '10.1.1.1'], port: 5432 }], route: [dest('db')] }] }],
    ['a TCP source subnet', { hosts: ['db'], tcp: [{ match: [{ sourceSubnet: '192.168.0.0/16' }, { sourceSubnet: '2001:db8::1' }], route: [dest('db')] }] }],
    ['exportTo . and a namespace', http({}, { exportTo: ['.', 'other'] })],
  ])('%s', (_name, spec) => {
    expect(errorsOf(spec)).toEqual([]);
  });
});

describe('VirtualService: hosts and gateways', () => {
  it.each<[string, unknown, Issue[]]>([
    [
      '"*" for sidecars',
      { hosts: ['*'], http: [{ route: [dest()] }] },
      [issue('spec.hosts[0]', '"*" is not allowed for VirtualServices that apply to sidecars (mesh); bind it to a gateway or name the hosts')],
    ],
    [
      'a wildcard in the middle',
      { hosts: ['foo.*.com'], http: [{ route: [dest()] }] },
      [issue('spec.hosts[0]', '"foo.*.com" has an invalid label "*" (labels are 1-63 letters, digits or dashes, not starting or ending with a dash)')],
    ],
    [
      'overlapping hosts',
      { hosts: ['*.foo.bar', '*.bar'], http: [{ route: [dest()] }] },
      [issue('spec.hosts[1]', '"*.bar" overlaps with "*.foo.bar" (spec.hosts[0]); each host may appear in only one entry')],
    ],
    [
      'a gateway namespace wildcard',
      { hosts: ['a.com'], gateways: ['ns1/*'], http: [{ route: [dest()] }] },
      [issue('spec.gateways[0]', 'gateway "ns1/*": "*" is not a valid gateway name (wildcards are not allowed here)')],
    ],
    [
      'a bad namespaced name before the first plain one',
      { hosts: ['a.com'], gateways: ['ns1/*', 'mesh'], http: [{ route: [dest()] }] },
      [issue('spec.gateways[0]', 'gateway "ns1/*": "*" is not a valid gateway name (wildcards are not allowed here)')],
    ],
    [
      'a malformed gateway name',
      { hosts: ['a.com'], gateways: ['b@dgateway'], http: [{ route: [dest()] }] },
      [
        issue(
          'spec.gateways[0]',
          'gateway "b@dgateway" is not a valid name: "b@dgateway" has an invalid label "b@dgateway" (labels are 1-63 letters, digits or dashes, not starting or ending with a dash)',
        ),
      ],
    ],
    [
      'a generated SNI host without a port',
      { hosts: ['outbound_.x_._.foo.com'], gateways: ['gw'], tls: [{ match: [{ sniHosts: ['outbound_.x_._.foo.com'] }], route: [dest()] }] },
      [
        issue('spec.hosts[0]', '"outbound_.x_._.foo.com" has "x" where the port number belongs; write it as outbound_.<port>_._.<hostname>'),
        issue('spec.tls[0].match[0].sniHosts[0]', '"outbound_.x_._.foo.com" has "x" where the port number belongs; write it as outbound_.<port>_._.<hostname>'),
      ],
    ],
    ['no routes at all', { hosts: ['a.com'] }, [issue('spec', 'a VirtualService needs at least one http, tcp or tls route')]],
    [
      'JWT claim routing for sidecars',
      { hosts: ['a.com'], gateways: ['mesh'], http: [{ match: [{ headers: { '@request.auth.claims.sub': { exact: 'x' } } }], route: [dest()] }] },
      [issue('spec.http[0].match[0].headers["@request.auth.claims.sub"]', 'routing on JWT claims works only on gateways; this VirtualService also applies to sidecars (mesh)')],
    ],
    [
      'a delegate with gateways and TCP routes',
      { gateways: ['gw'], tcp: [{ route: [dest()] }] },
      [
        issue('spec.gateways', 'a delegate VirtualService (one without hosts) takes its gateways from the root VirtualService; remove gateways or add hosts'),
        issue('spec.tcp', 'a delegate VirtualService (one without hosts) can only have HTTP routes'),
      ],
    ],
    [
      'an invalid exportTo entry',
      http({}, { exportTo: ['Not_A_Namespace'] }),
      [issue('spec.exportTo[0]', '"Not_A_Namespace" is not a valid exportTo entry; use ".", "*" or a namespace name')],
    ],
  ])('%s', (_name, spec, expected) => {
    expectIssues(errorsOf(spec), expected);
  });
});

describe('VirtualService: HTTP route actions', () => {
  it.each<[string, unknown, Issue[]]>([
    ['nothing to do', http({ route: undefined }), [issue(`${H}.route`, 'an HTTP route needs destinations (route), a redirect, a directResponse or a delegate')]],
    ['route and redirect', http({ redirect: { uri: '/x' } }), [issue(`${H}.redirect`, 'a route cannot have both destinations (route) and a redirect')]],
    ['route and direct response', http({ directResponse: { status: 200 } }), [issue(`${H}.directResponse`, 'a route cannot have both destinations (route) and a direct response')]],
    [
      'fault with a redirect',
      http({ route: undefined, redirect: { uri: '/x' }, fault: { delay: { fixedDelay: '1s' } } }),
      [issue(`${H}.fault`, 'fault cannot be combined with a redirect')],
    ],
    [
      'a root route with destinations',
      { hosts: ['a.com'], http: [{ delegate: { name: 'd' }, route: [dest()] }] },
      [issue(`${H}.route`, 'a route that delegates to another VirtualService cannot also have destinations')],
    ],
    [
      'delegating from a delegate',
      { http: [{ delegate: { name: 'd' } }] },
      [
        issue(`${H}.delegate`, 'a delegate VirtualService cannot delegate again'),
        issue(`${H}.route`, 'an HTTP route needs destinations (route), a redirect, a directResponse or a delegate'),
      ],
    ],
    ['mirror and mirrors', http({ mirror: { host: 'a' }, mirrors: [{ destination: { host: 'b' } }] }), [issue(`${H}.mirrors`, 'set either mirror or mirrors, not both')]],
    ['a null route', { hosts: ['a.com'], http: [null] }, [issue(H, 'an HTTP route may not be null')]],
  ])('%s', (_name, spec, expected) => {
    expectIssues(errorsOf(spec), expected);
  });
});

describe('VirtualService: matches', () => {
  const match = (m: unknown) => http({ match: [m] });
  const M = `${H}.match[0]`;
  it.each<[string, unknown, Issue[]]>([
    ['an empty header name', match({ headers: { '': { exact: 'v' } } }), [issue(`${M}.headers[""]`, 'header name must not be empty')]],
    [
      'a header name with colons',
      match({ headers: { '::': { exact: 'v' } } }),
      [issue(`${M}.headers["::"]`, '"::" is not a valid header name; header names are tokens without spaces, ":", quotes or separators')],
    ],
    // The API server drops a null map value before istiod sees it.
    ['a null header match', match({ headers: { h: null } }), []],
    ['an empty method prefix', match({ method: { prefix: '' } }), [issue(`${M}.method.prefix`, 'an empty prefix is not allowed here; remove the match or give a prefix')]],
    ['an empty query regex', match({ queryParams: { q: { regex: '' } } }), [issue(`${M}.queryParams.q.regex`, 'an empty regular expression is not allowed')]],
    [
      'a look-ahead (not RE2)',
      match({ uri: { regex: '/index(?=\\.html)' } }),
      [
        issue(
          `${M}.uri.regex`,
          'not a valid RE2 regular expression (invalid or unsupported Perl syntax: `(?=`); Envoy uses RE2 syntax, which has no look-arounds or back-references',
        ),
      ],
    ],
    ['two match kinds at once', match({ uri: { exact: '/a', prefix: '/b' } }), [issue(`${M}.uri`, 'set only one of exact, prefix or regex; exact and prefix are all set')]],
    ['a port out of range', match({ port: 70000 }), [issue(`${M}.port`, 'port 70000 is out of range; ports are 1-65535')]],
    ['a bad source namespace', match({ sourceNamespace: 'Bad_NS' }), [issue(`${M}.sourceNamespace`, '"Bad_NS" is not a valid namespace name')]],
    [
      'a bad source label',
      match({ sourceLabels: { 'app/x/y': 'v' } }),
      [issue(`${M}.sourceLabels["app/x/y"]`, 'label key "app/x/y" must be an optional DNS prefix and "/" followed by a name of letters, digits, "-", "_" or "."')],
    ],
  ])('%s', (_name, spec, expected) => {
    expectIssues(errorsOf(spec), expected);
  });
});

describe('VirtualService: destinations and headers', () => {
  it.each<[string, unknown, Issue[]]>([
    [
      'all weights 0',
      http({
        route: [
          { ...dest('a'), weight: 0 },
          { ...dest('b'), weight: 0 },
        ],
      }),
      [issue(`${H}.route`, 'the weights of the destinations are all 0, so no traffic would be sent; give at least one a positive weight')],
    ],
    [
      'a negative weight',
      http({
        route: [
          { ...dest('a'), weight: 5 },
          { ...dest('b'), weight: -1 },
        ],
      }),
      [issue(`${H}.route[1].weight`, 'weight -1 must not be negative')],
    ],
    ['"*" as destination', http({ route: [dest('*')] }), [issue(`${H}.route[0].destination.host`, 'a destination must name a service; "*" is not a host')]],
    [
      'a bad subset and a port without number',
      http({ route: [{ destination: { host: 'a', subset: 'V_1', port: {} } }] }),
      [
        issue(`${H}.route[0].destination.subset`, 'subset "V_1" must be a DNS label (letters, digits and inner dashes)'),
        issue(`${H}.route[0].destination.port.number`, 'a destination port needs a number between 1 and 65535'),
      ],
    ],
    ['a missing destination (CRD)', http({ route: [{ weight: 100 }] }), [issue(`${H}.route[0].destination`, 'required field is missing')]],
    [
      'an unescaped % in a header value',
      http({ headers: { response: { set: { name: 'abcd%oijasodifj' } } } }),
      [issue(`${H}.headers.response.set.name`, 'header value "abcd%oijasodifj" has an unterminated %VARIABLE% expression; write "%%" for a literal percent sign')],
    ],
    [
      'setting :path',
      http({ headers: { request: { set: { ':path': '/x' } } } }),
      [issue(`${H}.headers.request.set[":path"]`, '":path" cannot be set: headers starting with ":" are managed by the proxy')],
    ],
    [
      'removing host from requests',
      http({ route: [{ ...dest(), headers: { request: { remove: ['Host'] } } }] }),
      [issue(`${H}.route[0].headers.request.remove[0]`, '"Host" cannot be changed here; the Host header is managed by the proxy')],
    ],
    [
      'rewriting the authority twice',
      http({ rewrite: { authority: 'a' }, headers: { request: { set: { host: 'b' } } } }),
      [issue(`${H}.headers.request.set.host`, 'the authority is already rewritten to "a"; it can be set only once')],
    ],
  ])('%s', (_name, spec, expected) => {
    expectIssues(errorsOf(spec), expected);
  });
});

describe('VirtualService: policies', () => {
  it.each<[string, unknown, Issue[]]>([
    ['fault without abort or delay', http({ fault: {} }), [issue(`${H}.fault`, 'fault injection needs an abort, a delay or both')]],
    [
      'an abort percentage over 100',
      http({ fault: { abort: { httpStatus: 500, percentage: { value: 150 } } } }),
      [issue(`${H}.fault.abort.percentage.value`, 'percentage 150 must be 0 or between 0.0001 and 100')],
    ],
    [
      'an unknown gRPC status',
      http({ fault: { abort: { grpcStatus: 'BAD' } } }),
      [issue(`${H}.fault.abort.grpcStatus`, '"BAD" is not a gRPC status code name; use one such as NOT_FOUND, UNAVAILABLE or DEADLINE_EXCEEDED')],
    ],
    [
      'an HTTP/2 abort',
      http({ fault: { abort: { http2Error: 'CANCEL' } } }),
      [issue(`${H}.fault.abort.http2Error`, 'aborting with an HTTP/2 error is not supported; use httpStatus or grpcStatus')],
    ],
    [
      'an abort status of 9000',
      http({ fault: { abort: { httpStatus: 9000 } } }),
      [issue(`${H}.fault.abort.httpStatus`, 'HTTP status 9000 is out of range; use a status between 200 and 599')],
    ],
    [
      'an exponential delay',
      http({ fault: { delay: { exponentialDelay: '1s' } } }),
      [issue(`${H}.fault.delay.exponentialDelay`, 'exponential delays are not supported; use fixedDelay')],
    ],
    [
      'retry options with zero attempts',
      http({ retries: { retryOn: '5xx' } }),
      [issue(`${H}.retries.attempts`, 'retries are disabled (attempts is 0 or unset), yet perTryTimeout, retryOn or retryRemoteLocalities is set; set attempts')],
    ],
    [
      'an unknown retry condition',
      http({ retries: { attempts: 2, retryOn: '5xx,600' } }),
      [issue(`${H}.retries.retryOn`, '"600" is not a retry condition Envoy knows (such as 5xx, connect-failure, reset, or an HTTP status code)')],
    ],
    ['a sub-millisecond timeout', http({ timeout: '0.5ms' }), [issue(`${H}.timeout`, '"0.5ms" is too short; durations must be at least 1ms')]],
    ['a timeout that is not a duration', http({ timeout: '10 seconds' }), [issue(`${H}.timeout`, '"10 seconds" is not a duration; write it like "500ms", "10s", "1m30s" or "1h"')]],
    [
      'a redirect that changes nothing',
      http({ route: undefined, redirect: { redirectCode: 301 } }),
      [issue(`${H}.redirect`, 'a redirect must change something: set uri, prefixRewrite, authority, scheme or port')],
    ],
    [
      'a redirect code of 400 and a scheme of ftp',
      http({ route: undefined, redirect: { uri: '/a', redirectCode: 400, scheme: 'ftp' } }),
      [
        issue(`${H}.redirect.redirectCode`, '400 is not a redirect status; use a 3xx code such as 301 or 302'),
        issue(`${H}.redirect.scheme`, 'redirect scheme must be "http" or "https", not "ftp"'),
      ],
    ],
    [
      'prefixRewrite with an exact match',
      http({ route: undefined, match: [{ uri: { exact: '/a' } }], redirect: { prefixRewrite: '/b' } }),
      [issue(`${H}.match[0].uri`, 'prefixRewrite needs every URI match of the route to be a prefix match')],
    ],
    [
      'uri and prefixRewrite',
      http({ route: undefined, redirect: { uri: '/a', prefixRewrite: '/b' } }),
      [issue(`${H}.redirect.prefixRewrite`, 'set either uri or prefixRewrite, not both')],
    ],
    [
      'a direct response of 199',
      http({ route: undefined, directResponse: { status: 199 } }),
      [issue(`${H}.directResponse.status`, 'HTTP status 199 is out of range; use a status between 200 and 599')],
    ],
    [
      'a direct response body over 1MiB',
      http({ route: undefined, directResponse: { status: 200, body: { bytes: Buffer.alloc(1024 * 1024 + 1).toString('base64') } } }),
      [issue(`${H}.directResponse.body`, 'the body is 1048577 bytes; direct responses must be at most 1MiB, as they are sent to every proxy')],
    ],
    ['a rewrite that changes nothing', http({ rewrite: {} }), [issue(`${H}.rewrite`, 'a rewrite must change something: set uri, uriRegexRewrite or authority')]],
    [
      'a regex rewrite without replacement',
      http({ rewrite: { uriRegexRewrite: { match: '^/a(.*)' } } }),
      [issue(`${H}.rewrite.uriRegexRewrite`, 'uriRegexRewrite needs both match and rewrite')],
    ],
    ['mirror percentage 101', http({ mirrorPercentage: { value: 101 } }), [issue(`${H}.mirrorPercentage.value`, 'mirror percentage 101 must be between 0 and 100')]],
    [
      'a CORS method that does not exist',
      http({ corsPolicy: { allowMethods: ['PUTT'] } }),
      [issue(`${H}.corsPolicy.allowMethods[0]`, '"PUTT" is not an HTTP method CORS can allow; use GET, HEAD, POST, PUT, PATCH, DELETE, CONNECT, OPTIONS, TRACE or *')],
    ],
    [
      'an empty CORS origin',
      http({ corsPolicy: { allowOrigins: [{ exact: '' }] } }),
      [issue(`${H}.corsPolicy.allowOrigins[0]`, 'an allowed origin needs a non-empty exact, prefix or regex')],
    ],
    ['a CORS maxAge in milliseconds', http({ corsPolicy: { maxAge: '1500ms' } }), [issue(`${H}.corsPolicy.maxAge`, '"1500ms" must be a whole number of seconds')]],
  ])('%s', (_name, spec, expected) => {
    expectIssues(errorsOf(spec), expected);
  });
});

describe('VirtualService: TLS and TCP routes', () => {
  it.each<[string, unknown, Issue[]]>([
    [
      'a TLS route without destinations',
      { hosts: ['a.com'], tls: [{ match: [{ sniHosts: ['a.com'] }] }] },
      [issue('spec.tls[0].route', 'a TLS route needs at least one destination')],
    ],
    ['a TLS route without matches', { hosts: ['a.com'], tls: [{ route: [dest()] }] }, [issue('spec.tls[0].match', 'a TLS route needs at least one match with sniHosts')]],
    [
      'an SNI host outside the VirtualService hosts',
      { hosts: ['a.com'], tls: [{ match: [{ sniHosts: ['b.com'] }], route: [dest()] }] },
      [issue('spec.tls[0].match[0].sniHosts[0]', 'SNI host "b.com" is not covered by any of the VirtualService hosts (a.com)')],
    ],
    ['a TCP route without destinations', { hosts: ['a.com'], tcp: [{ match: [{ port: 1 }] }] }, [issue('spec.tcp[0].route', 'a TCP route needs at least one destination')]],
    [
      'a bad subnet',
      { hosts: ['a.com'], tcp: [{ match: [{ destinationSubnets: ['10.0.0.0/33'] }], route: [dest()] }] },
      [issue('spec.tcp[0].match[0].destinationSubnets[0]', '"10.0.0.0/33" is not an IP address or CIDR block')],
    ],
    [
      'a bad source subnet',
      { hosts: ['a.com'], tcp: [{ match: [{ sourceSubnet: '10.0.0.0/33' }], route: [dest()] }] },
      [issue('spec.tcp[0].match[0].sourceSubnet', '"10.0.0.0/33" is not an IP address or CIDR block')],
    ],
  ])('%s', (_name, spec, expected) => {
    expectIssues(errorsOf(spec), expected);
  });
});

describe('VirtualService: structure and warnings', () => {
  it('reports wrong types and unknown enum values in its own words', () => {
    expect(errorsOf(http({ route: [{ ...dest(), weight: '50' }], corsPolicy: { unmatchedPreflights: 'DROP' } }))).toEqual([
      issue(`${H}.corsPolicy.unmatchedPreflights`, 'must be one of "UNSPECIFIED", "FORWARD", "IGNORE"; got the string "DROP"'),
      issue(`${H}.route[0].weight`, 'must be a whole number, not the string "50"'),
      issue('spec', 'some validation rules (x-kubernetes-validations) were not checked because of the errors above; correct them to complete validation'),
    ]);
  });

  it('rejects unknown spec fields, as kubectl apply does (strict field validation)', () => {
    const r = report(http({ retrys: { attempts: 3 } }));
    expect(r.errors).toEqual([issue('spec.http[0].retrys', 'unknown field (the VirtualService v1 schema has no such field)')]);
  });

  it('rejects unknown top-level fields and internal annotations', () => {
    const r = validateVirtualService({
      apiVersion: 'networking.istio.io/v1beta1',
      kind: 'VirtualService',
      metadata: { name: 'x', annotations: { 'internal.istio.io/parents': 'a' } },
      spec: http({}),
      hosts: ['a'],
    });
    expect(r.errors.map((e) => e.path)).toEqual(['hosts', 'metadata.annotations["internal.istio.io/parents"]']);
  });

  it('warns about rules that can never match', () => {
    const r = report({
      hosts: ['a.com'],
      http: [
        { match: [{ uri: { prefix: '/api' } }], route: [dest()] },
        { match: [{ uri: { prefix: '/api/v1' } }, { uri: { prefix: '/api' } }], route: [dest()] },
        { route: [dest()] },
        { route: [dest()] },
      ],
    });
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([
      'spec.http[1].match[1] is never used: spec.http[0] has the same match',
      'spec.http[3] is never used: spec.http[2] already matches every request',
      'spec.http[1].match[0] (prefix /api/v1) is never used: spec.http[0].match[0] (prefix /api) comes first',
    ]);
  });

  it('warns about deprecated settings and IP SNI hosts', () => {
    const r = report({ hosts: ['a.com'], http: [{ route: [dest()], mirrorPercent: 5 }], tls: [{ match: [{ sniHosts: ['1.1.1.1'] }], route: [dest()] }] });
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([
      'spec.http[0].mirrorPercent is deprecated; use mirrorPercentage',
      'spec.tls[0].match[0].sniHosts[0]: SNI "1.1.1.1" is an IP address; TLS clients rarely send IP addresses as SNI',
    ]);
  });
});

describe('VirtualService: totality', () => {
  it('never throws and always names a field', () => {
    assertTotal(validateVirtualService, 'VirtualService', [
      'hosts',
      'gateways',
      'http',
      'tls',
      'tcp',
      'exportTo',
      'match',
      'route',
      'redirect',
      'directResponse',
      'delegate',
      'rewrite',
      'timeout',
      'retries',
      'fault',
      'mirror',
      'mirrors',
      'corsPolicy',
      'headers',
      'destination',
      'host',
      'subset',
      'port',
      'number',
      'weight',
      'uri',
      'prefix',
      'exact',
      'regex',
      'sniHosts',
      'request',
      'set',
      'add',
      'remove',
      'abort',
      'delay',
      'percentage',
      'value',
    ]);
  });
});
