import { describe, expect, it } from 'vitest';
import { validateDestinationRule, expectIssues } from '../../helpers/validators.js';
import type { Issue } from '../../../src/validate/issues.js';
import { assertTotal, issue, reportOf } from './helpers.js';

const report = (spec: unknown) => reportOf(validateDestinationRule, 'DestinationRule', spec);
const errorsOf = (spec: unknown) => report(spec).errors;
const policy = (trafficPolicy: unknown, extra: Record<string, unknown> = {}) => ({ host: 'reviews', trafficPolicy, ...extra });
const lb = (loadBalancer: unknown) => policy({ loadBalancer, outlierDetection: { consecutive5xxErrors: 5 } });
const TP = 'spec.trafficPolicy';
const LB = `${TP}.loadBalancer`;

describe('DestinationRule: accepted', () => {
  it.each<[string, unknown]>([
    [
      'subsets with labels',
      {
        host: 'reviews.default.svc.cluster.local',
        subsets: [
          { name: 'v1', labels: { version: 'v1' } },
          { name: 'v2', labels: { version: 'v2' } },
        ],
      },
    ],
    ['a wildcard host', { host: '*.example.com' }],
    ['"*" as host', { host: '*' }],
    [
      'policies at both levels',
      policy(
        { connectionPool: { tcp: { maxConnections: 7 }, http: { http2MaxRequests: 11, http2KeepAlive: { interval: '15s', timeout: '5s' } } } },
        { subsets: [{ name: 'v1', trafficPolicy: { outlierDetection: { minHealthPercent: 30 } } }] },
      ),
    ],
    ['a disabled TCP idle timeout', policy({ connectionPool: { tcp: { idleTimeout: '0s' } } })],
    ['consistent hashing on a cookie with maglev', lb({ consistentHash: { httpCookie: { name: 'user', ttl: '0s' }, maglev: { tableSize: 65537 } } })],
    ['locality distribution adding up to 100', lb({ localityLbSetting: { distribute: [{ from: 'us-west/zone1/*', to: { 'us-west/zone1/*': 80, 'us-west/zone2/*': 20 } }] } })],
    ['locality failover between regions', lb({ localityLbSetting: { failover: [{ from: 'us-east', to: 'eu-west' }] } })],
    ['zone-aware load balancing', lb({ simple: 'ROUND_ROBIN', zoneAwareLbSetting: { enabled: true, failoverPriority: ['topology.istio.io/network'] } })],
    ['warmup', lb({ warmup: { duration: '300s', minimumPercent: 5, aggression: 1.5 } })],
    ['warmup with an aggression between 0 and 1', lb({ warmup: { duration: '300s', aggression: 0.5 } })],
    ['TLS with a credential', policy({ tls: { mode: 'SIMPLE', credentialName: 'client-cred', sni: 'reviews.example.com' } })],
    ['MUTUAL TLS with files', policy({ tls: { mode: 'MUTUAL', clientCertificate: '/c.pem', privateKey: '/k.pem', caCertificates: '/ca.pem' } })],
    ['insecureSkipVerify with MUTUAL and a credential', policy({ tls: { mode: 'MUTUAL', credentialName: 'c', insecureSkipVerify: true } })],
    ['a configmap CA in the same namespace', policy({ tls: { mode: 'SIMPLE', credentialName: 'configmap://default/ca' } })],
    ['port-level settings', policy({ portLevelSettings: [{ port: { number: 80 }, loadBalancer: { simple: 'LEAST_REQUEST' } }] })],
    ['a tunnel', policy({ tunnel: { protocol: 'CONNECT', targetHost: 'egress.example.com', targetPort: 8443 } })],
    ['a workload selector exported only to its namespace', { host: 'a', workloadSelector: { matchLabels: { app: 'a' } }, exportTo: ['.'] }],
  ])('%s', (_name, spec) => {
    expect(errorsOf(spec)).toEqual([]);
  });
});

describe('DestinationRule: host and subsets', () => {
  it.each<[string, unknown, Issue[]]>([
    ['no host (CRD)', {}, [issue('spec.host', 'required field is missing')]],
    ['an IP address as host', { host: '1.2.3.4' }, [issue('spec.host', '"1.2.3.4" ends in the all-numeric label "4"; a domain name needs a non-numeric top-level label')]],
    [
      'a wildcard inside a label',
      { host: 'foo*.com' },
      [issue('spec.host', '"foo*.com" has a wildcard in the wrong place; "*" may only stand for (or start) the first label, as in "*.example.com"')],
    ],
    ['a subset without a name', { host: 'a', subsets: [{ name: '' }] }, [issue('spec.subsets[0].name', 'a subset needs a name')]],
    ['duplicate subsets', { host: 'a', subsets: [{ name: 'v1' }, { name: 'v1' }] }, [issue('spec.subsets[1].name', 'subset "v1" is defined more than once')]],
    [
      'a subset name with an underscore',
      { host: 'a', subsets: [{ name: 'v_1' }] },
      [issue('spec.subsets[0].name', 'subset name "v_1" must be a DNS label (letters, digits and inner dashes)')],
    ],
    [
      'a bad subset label',
      { host: 'a', subsets: [{ name: 'v1', labels: { version: '-v1' } }] },
      [issue('spec.subsets[0].labels.version', 'label value "-v1" may contain only letters, digits, "-", "_" and ".", and must start and end with a letter or digit')],
    ],
    [
      'a selector with exportTo elsewhere',
      { host: 'a', workloadSelector: { matchLabels: { app: 'a' } }, exportTo: ['other'] },
      [issue('spec.exportTo', 'a DestinationRule with a workloadSelector can only be exported to its own namespace (".")')],
    ],
    [
      'a wildcard selector',
      { host: 'a', workloadSelector: { matchLabels: { app: 'a*' } } },
      [issue('spec.workloadSelector.matchLabels.app', 'selector label value "a*" contains "*"; selectors match exact labels, wildcards are not supported')],
    ],
    [
      'duplicate exportTo entries',
      { host: 'a', exportTo: ['default', '.'] },
      [issue('spec.exportTo[1]', '"." already means the current namespace "default", which is also listed')],
    ],
  ])('%s', (_name, spec, expected) => {
    expectIssues(errorsOf(spec), expected);
  });
});

describe('DestinationRule: traffic policies', () => {
  it.each<[string, unknown, Issue[]]>([
    ['an empty policy', policy({}), [issue(TP, 'a traffic policy needs at least one setting')]],
    ['a policy with only an empty portLevelSettings list', policy({ portLevelSettings: [] }), [issue(TP, 'a traffic policy needs at least one setting')]],
    ['an empty connection pool', policy({ connectionPool: {} }), [issue(`${TP}.connectionPool`, 'a connection pool needs tcp or http settings')]],
    [
      'negative limits',
      policy({ connectionPool: { http: { maxRetries: -1 }, tcp: { maxConnections: -2 } } }),
      [issue(`${TP}.connectionPool.http.maxRetries`, 'maxRetries must not be negative'), issue(`${TP}.connectionPool.tcp.maxConnections`, 'maxConnections must not be negative')],
    ],
    [
      'UPGRADE with the client protocol',
      policy({ connectionPool: { http: { h2UpgradePolicy: 'UPGRADE', useClientProtocol: true } } }),
      [issue(`${TP}.connectionPool.http.useClientProtocol`, 'useClientProtocol keeps the client protocol, which contradicts h2UpgradePolicy UPGRADE')],
    ],
    [
      'keepalive without a timeout',
      policy({ connectionPool: { http: { http2KeepAlive: { interval: '10s' } } } }),
      [issue(`${TP}.connectionPool.http.http2KeepAlive.timeout`, 'HTTP/2 keepalive needs a timeout')],
    ],
    [
      'a nanosecond ejection time',
      policy({ outlierDetection: { baseEjectionTime: '1.000000001s' } }),
      [issue(`${TP}.outlierDetection.baseEjectionTime`, '"1.000000001s" is more precise than a millisecond; Istio supports whole milliseconds only')],
    ],
    ['minHealthPercent 101', policy({ outlierDetection: { minHealthPercent: 101 } }), [issue(`${TP}.outlierDetection.minHealthPercent`, '101 is not a percentage; use 0-100')]],
    [
      'local origin failures without splitting',
      policy({ outlierDetection: { consecutiveLocalOriginFailures: 3 } }),
      [issue(`${TP}.outlierDetection.consecutiveLocalOriginFailures`, 'counting local-origin failures needs splitExternalLocalOriginErrors: true')],
    ],
    [
      'a maglev table that is not prime',
      lb({ consistentHash: { useSourceIp: true, maglev: { tableSize: 1000 } } }),
      [issue(`${LB}.consistentHash.maglev.tableSize`, 'maglev tableSize 1000 must be a prime number, such as 65537')],
    ],
    ['a cookie without a name (CRD)', lb({ consistentHash: { httpCookie: { ttl: '1s' } } }), [issue(`${LB}.consistentHash.httpCookie.name`, 'required field is missing')]],
    ['a cookie with an empty name', lb({ consistentHash: { httpCookie: { name: '' } } }), [issue(`${LB}.consistentHash.httpCookie.name`, 'the hashing cookie needs a name')]],
    [
      'simple and consistentHash',
      lb({ simple: 'RANDOM', consistentHash: { useSourceIp: true } }),
      [issue(LB, 'set only one of simple, consistentHash; simple and consistentHash are set')],
    ],
    [
      'an unknown algorithm',
      lb({ simple: 'FASTEST' }),
      [issue(`${LB}.simple`, 'must be one of "UNSPECIFIED", "LEAST_CONN", "RANDOM", "PASSTHROUGH", "ROUND_ROBIN", "LEAST_REQUEST"; got the string "FASTEST"')],
    ],
    ['warmup without a duration (CRD)', lb({ warmup: { minimumPercent: 5 } }), [issue(`${LB}.warmup.duration`, 'required field is missing')]],
    ['warmup aggression below 0', lb({ warmup: { duration: '10s', aggression: -0.1 } }), [issue(`${LB}.warmup.aggression`, 'warmup aggression must be greater than 0; got -0.1')]],
    ['warmup aggression 0', lb({ warmup: { duration: '10s', aggression: 0 } }), [issue(`${LB}.warmup.aggression`, 'warmup aggression must be greater than 0; got 0')]],
    [
      'both tunnel and proxyProtocol',
      policy({ tunnel: { targetHost: 'a.com', targetPort: 80 }, proxyProtocol: { version: 'V1' } }),
      [issue(`${TP}.proxyProtocol`, 'set either tunnel or proxyProtocol, not both')],
    ],
    [
      'a tunnel with bad settings',
      policy({ tunnel: { protocol: 'GET', targetHost: 'bad_host', targetPort: 0 } }),
      [
        issue(`${TP}.tunnel.protocol`, 'tunnel protocol must be CONNECT or POST, not "GET"'),
        issue(`${TP}.tunnel.targetHost`, '"bad_host" is neither a valid host name nor an IP address'),
        issue(`${TP}.tunnel.targetPort`, 'port 0 is out of range; ports are 1-65535'),
      ],
    ],
    [
      'port-level settings without port or settings',
      policy({ portLevelSettings: [{}] }),
      [
        issue(`${TP}.portLevelSettings[0].port`, 'a port-level policy needs the port it applies to'),
        issue(`${TP}.portLevelSettings[0]`, 'a port-level policy needs at least one of outlierDetection, connectionPool, loadBalancer or tls'),
      ],
    ],
    [
      'an empty policy in a subset',
      { host: 'a', subsets: [{ name: 'v1', trafficPolicy: { connectionPool: {} } }] },
      [issue('spec.subsets[0].trafficPolicy.connectionPool', 'a connection pool needs tcp or http settings')],
    ],
  ])('%s', (_name, spec, expected) => {
    expectIssues(errorsOf(spec), expected);
  });
});

describe('DestinationRule: locality and zone-aware load balancing', () => {
  const LOC = `${LB}.localityLbSetting`;
  it.each<[string, unknown, Issue[]]>([
    [
      'distribute and failover',
      lb({ localityLbSetting: { distribute: [{ from: 'a/b/c', to: { 'a/b/c': 100 } }], failover: [{ from: 'r1', to: 'r2' }] } }),
      [issue(LOC, 'set either distribute or failover, not both')],
    ],
    [
      'weights that do not add up',
      lb({ localityLbSetting: { distribute: [{ from: 'a', to: { 'a/b': 60, 'a/c': 30 } }] } }),
      [issue(`${LOC}.distribute[0].to`, 'the weights must add up to 100; they add up to 90')],
    ],
    [
      'a weight of 0',
      lb({ localityLbSetting: { distribute: [{ from: 'a', to: { 'a/b': 0, 'a/c': 100 } }] } }),
      [issue(`${LOC}.distribute[0].to["a/b"]`, 'locality weights must be between 1 and 100')],
    ],
    [
      'two wildcards',
      lb({ localityLbSetting: { distribute: [{ from: '*/zone/*', to: { r: 100 } }] } }),
      [issue(`${LOC}.distribute[0].from`, '"*/zone/*" may use "*" only once, as its last part')],
    ],
    [
      'a region after its own zone',
      lb({ localityLbSetting: { distribute: [{ from: 'r', to: { 'r/z': 50, r: 50 } }] } }),
      [issue(`${LOC}.distribute[0].to.r`, '"r" overlaps with a locality listed before it')],
    ],
    [
      'failover to the same region',
      lb({ localityLbSetting: { failover: [{ from: 'r1', to: 'r1' }] } }),
      [issue(`${LOC}.failover[0].to`, 'failover must go to a different region than "r1"')],
    ],
    [
      'failover to a zone',
      lb({ localityLbSetting: { failover: [{ from: 'r1', to: 'r2/z1' }] } }),
      [issue(`${LOC}.failover[0]`, 'failover names regions only; remove the zone and subzone parts')],
    ],
    [
      'failover with a topology priority',
      lb({ localityLbSetting: { failover: [{ from: 'r1', to: 'r2' }], failoverPriority: ['topology.kubernetes.io/region'] } }),
      [issue(`${LOC}.failoverPriority`, '"topology.kubernetes.io/region" cannot be used together with failover, which already orders by region')],
    ],
    [
      'zone-aware priority on the subzone',
      lb({ zoneAwareLbSetting: { failoverPriority: ['topology.istio.io/subzone'] } }),
      [issue(`${LB}.zoneAwareLbSetting.failoverPriority[0]`, '"topology.istio.io/subzone" is handled by zone-aware load balancing itself; remove it from failoverPriority')],
    ],
    [
      'zone-aware failover to "*"',
      lb({ zoneAwareLbSetting: { failover: [{ from: 'r1', to: '*' }] } }),
      [issue(`${LB}.zoneAwareLbSetting.failover[0]`, 'failover regions cannot contain "*"')],
    ],
    [
      'locality and zone-aware together',
      lb({ localityLbSetting: { enabled: true }, zoneAwareLbSetting: { enabled: true } }),
      [issue(`${LB}.zoneAwareLbSetting`, 'set either localityLbSetting or zoneAwareLbSetting, not both')],
    ],
  ])('%s', (_name, spec, expected) => {
    expectIssues(errorsOf(spec), expected);
  });
});

describe('DestinationRule: client TLS', () => {
  const TLS = `${TP}.tls`;
  it.each<[string, unknown, Issue[]]>([
    [
      'insecureSkipVerify with a CA',
      policy({ tls: { mode: 'SIMPLE', caCertificates: '/ca.pem', insecureSkipVerify: true } }),
      [issue(`${TLS}.caCertificates`, 'insecureSkipVerify turns server verification off, so no CA may be configured')],
    ],
    [
      'insecureSkipVerify with SANs',
      policy({ tls: { mode: 'SIMPLE', subjectAltNames: ['a'], insecureSkipVerify: true } }),
      [issue(`${TLS}.subjectAltNames`, 'insecureSkipVerify turns server verification off, so subjectAltNames cannot be checked')],
    ],
    [
      'a credential plus a client certificate',
      policy({ tls: { mode: 'MUTUAL', credentialName: 'c', clientCertificate: '/c.pem' } }),
      [issue(`${TLS}.clientCertificate`, 'credentialName already supplies the certificates; remove this field')],
    ],
    [
      'MUTUAL without certificate and key',
      policy({ tls: { mode: 'MUTUAL' } }),
      [
        issue(`${TLS}.clientCertificate`, 'MUTUAL TLS needs a client certificate (or a credentialName)'),
        issue(`${TLS}.privateKey`, 'MUTUAL TLS needs a private key (or a credentialName)'),
      ],
    ],
    [
      'a configmap CA in another namespace',
      policy({ tls: { mode: 'SIMPLE', credentialName: 'configmap://other/ca' } }),
      [issue(`${TLS}.credentialName`, 'a configmap:// credential must live in this object\'s namespace "default"')],
    ],
  ])('%s', (_name, spec, expected) => {
    expectIssues(errorsOf(spec), expected);
  });
});

describe('DestinationRule: warnings', () => {
  it('warns about deprecated fields, empty selectors and failover without outlier detection', () => {
    const r = report({
      host: 'a',
      workloadSelector: {},
      trafficPolicy: {
        outlierDetection: undefined,
        loadBalancer: { localityLbSetting: { failover: [{ from: 'r1', to: 'r2' }] }, consistentHash: { useSourceIp: true, minimumRingSize: 1024 } },
        portLevelSettings: [{ port: { number: 80 }, outlierDetection: { consecutiveErrors: 5 } }],
      },
    });
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([
      'spec.trafficPolicy.loadBalancer.consistentHash.minimumRingSize is deprecated; use ringHash.minimumRingSize',
      'spec.trafficPolicy.loadBalancer.localityLbSetting: failover only happens when outlierDetection is configured',
      'spec.trafficPolicy.portLevelSettings[0].outlierDetection.consecutiveErrors is deprecated; use consecutive5xxErrors',
      'spec.workloadSelector: workload selector has no labels, so it applies to every workload in the namespace',
    ]);
  });
});

describe('DestinationRule: totality', () => {
  it('never throws and always names a field', () => {
    assertTotal(validateDestinationRule, 'DestinationRule', [
      'host',
      'trafficPolicy',
      'subsets',
      'exportTo',
      'workloadSelector',
      'matchLabels',
      'name',
      'labels',
      'loadBalancer',
      'connectionPool',
      'outlierDetection',
      'tls',
      'portLevelSettings',
      'tunnel',
      'proxyProtocol',
      'simple',
      'consistentHash',
      'localityLbSetting',
      'zoneAwareLbSetting',
      'distribute',
      'failover',
      'failoverPriority',
      'from',
      'to',
      'warmup',
      'http',
      'tcp',
      'maglev',
      'tableSize',
      'httpCookie',
      'mode',
      'credentialName',
      'insecureSkipVerify',
      'port',
      'number',
      'targetHost',
      'targetPort',
      'http2KeepAlive',
    ]);
  });
});
