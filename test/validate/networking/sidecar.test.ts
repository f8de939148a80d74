import { describe, expect, it } from 'vitest';
import { validateSidecar, expectIssues } from '../../helpers/validators.js';
import type { Issue } from '../../../src/validate/issues.js';
import { assertTotal, issue, reportOf } from './helpers.js';

const report = (spec: unknown) => reportOf(validateSidecar, 'Sidecar', spec);
const errorsOf = (spec: unknown) => report(spec).errors;
const egress = (...listeners: unknown[]) => ({ egress: listeners });
const ingress = (listener: Record<string, unknown>) => ({ ingress: [{ port: { number: 9080, protocol: 'HTTP', name: 'http' }, defaultEndpoint: '127.0.0.1:8080', ...listener }] });
const I = 'spec.ingress[0]';

describe('Sidecar: accepted', () => {
  it.each<[string, unknown]>([
    ['the namespace default', egress({ hosts: ['./*', 'istio-system/*'] })],
    ['everything', egress({ hosts: ['*/*'] })],
    ['a local FQDN, and nothing else', egress({ hosts: ['./foo.com', '~/*'] })],
    ['excluding a namespace and a host', egress({ hosts: ['*/*', '~ns1/*', '~/foo.com'] })],
    ['a port-specific listener before the catch-all', egress({ port: { number: 8080, protocol: 'HTTP', name: 'web' }, hosts: ['ns1/*'] }, { hosts: ['*/*'] })],
    ['a listener without port name', egress({ port: { number: 8080, protocol: 'HTTP' }, hosts: ['ns1/bar.com'] })],
    ['a unix socket listener', egress({ port: { number: 0, protocol: 'HTTP', name: 'uds' }, bind: 'unix:///var/run/egress.sock', hosts: ['ns1/bar.com'] })],
    [
      'inbound listeners on IPv4 and IPv6 loopbacks',
      {
        ingress: [
          { port: { number: 9080, protocol: 'HTTP', name: 'a' }, defaultEndpoint: '127.0.0.1:8080' },
          { port: { number: 9081, protocol: 'HTTP', name: 'b' }, defaultEndpoint: '[::1]:8081' },
          { port: { number: 9082, protocol: 'HTTP', name: 'c' }, defaultEndpoint: 'unix:///var/run/app.sock' },
        ],
      },
    ],
    ['inbound TLS with files', ingress({ port: { number: 8443, protocol: 'HTTPS', name: 'https' }, tls: { mode: 'SIMPLE', serverCertificate: '/c', privateKey: '/k' } })],
    ['only an outbound policy', { outboundTrafficPolicy: { mode: 'ALLOW_ANY' } }],
    ['an egress proxy with ALLOW_ANY', { outboundTrafficPolicy: { mode: 'ALLOW_ANY', egressProxy: { host: 'egress.example.com', port: { number: 3128 } } } }],
    ['only an inbound connection pool', { inboundConnectionPool: { http: { http1MaxPendingRequests: 1024 } } }],
  ])('%s', (_name, spec) => {
    expect(errorsOf(spec)).toEqual([]);
  });
});

describe('Sidecar: outbound listeners', () => {
  it.each<[string, unknown, Issue[]]>([
    ['nothing configured', {}, [issue('spec', 'the Sidecar configures nothing; add ingress, egress, outboundTrafficPolicy or inboundConnectionPool')]],
    [
      'a host without namespace',
      egress({ hosts: ['*'] }),
      [issue('spec.egress[0].hosts[0]', '"*" must have the form namespace/host, such as "./*", "istio-system/*" or "*/foo.example.com"')],
    ],
    [
      'a bad namespace',
      egress({ hosts: ['*/*', '~Invalid_NS/*'] }),
      [issue('spec.egress[0].hosts[1]', '"~Invalid_NS" is not a valid namespace; use "*", ".", "~", "~namespace" or a namespace name')],
    ],
    [
      'a partial wildcard',
      egress({ hosts: ['test/*a.com'] }),
      [issue('spec.egress[0].hosts[0]', '"*a.com" uses a partial wildcard; "*" may only be the whole first label, as in "*.example.com"')],
    ],
    ['no hosts', egress({ hosts: [] }), [issue('spec.egress[0].hosts', 'an outbound listener needs at least one host, such as "*/*" or "./*"')]],
    [
      'the catch-all first',
      egress({ hosts: ['*/foo.com'] }, { port: { number: 8080, protocol: 'HTTP', name: 'h' }, hosts: ['ns1/bar.com'] }),
      [issue('spec.egress[0]', 'the outbound listener without a port catches everything else, so it must be the last one')],
    ],
    [
      'an invalid port',
      egress({ port: { number: 1000000, protocol: 'http1' }, hosts: ['ns1/bar.com'] }),
      [
        issue('spec.egress[0].port.protocol', '"http1" is not a supported protocol; use one of TCP, UDP, GRPC, GRPC-WEB, HTTP, HTTP_PROXY, HTTP2, HTTPS, TLS, MONGO, REDIS, MYSQL'),
        issue('spec.egress[0].port.number', 'port 1000000 is out of range; ports are 1-65535'),
      ],
    ],
    [
      'port 0 without a unix socket',
      egress({ port: { number: 0, protocol: 'HTTP', name: 'x' }, bind: 'foobar:///@x', hosts: ['ns1/bar.com'] }),
      [issue('spec.egress[0].bind', 'a listener on port 0 must bind to a unix socket (unix:///path)')],
    ],
    [
      'a unix socket with iptables capture',
      egress({ port: { number: 0, protocol: 'HTTP', name: 'x' }, bind: 'unix:///@x', captureMode: 'IPTABLES', hosts: ['ns1/bar.com'] }),
      [issue('spec.egress[0].captureMode', 'unix socket listeners need captureMode DEFAULT or NONE')],
    ],
    [
      'the same unix socket twice',
      egress(
        { port: { number: 0, protocol: 'HTTP' }, bind: 'unix:///a', hosts: ['ns1/a.com'] },
        { port: { number: 0, protocol: 'HTTP' }, bind: 'unix:///a', hosts: ['ns1/a.com'] },
      ),
      [issue('spec.egress[1].bind', 'unix socket "unix:///a" is used by another listener')],
    ],
    [
      'the same port twice',
      egress({ port: { number: 90, protocol: 'HTTP' }, hosts: ['ns1/a.com'] }, { port: { number: 90, protocol: 'TCP' }, hosts: ['ns2/a.com'] }),
      [issue('spec.egress[1].port.number', 'port 90 is used by another outbound listener; ports must be unique')],
    ],
  ])('%s', (_name, spec, expected) => {
    expectIssues(errorsOf(spec), expected);
  });
});

describe('Sidecar: inbound listeners and policies', () => {
  it.each<[string, unknown, Issue[]]>([
    ['no port (CRD)', { ingress: [{ defaultEndpoint: '127.0.0.1:110' }] }, [issue(`${I}.port`, 'required field is missing')]],
    [
      'the same port twice',
      { ingress: [{ port: { number: 90, protocol: 'HTTP' } }, { port: { number: 90, protocol: 'TCP' } }] },
      [issue('spec.ingress[1].port.number', 'port 90 is used by another inbound listener; ports must be unique')],
    ],
    [
      'a default endpoint on another host',
      ingress({ defaultEndpoint: '1.1.1.1:90' }),
      [issue(`${I}.defaultEndpoint`, 'defaultEndpoint must be 127.0.0.1:<port>, 0.0.0.0:<port>, [::1]:<port>, [::]:<port> or unix:///path')],
    ],
    ['a default endpoint port that is not a number', ingress({ defaultEndpoint: '[::1]:hi' }), [issue(`${I}.defaultEndpoint`, 'defaultEndpoint port "hi" is not a number')]],
    ['a default endpoint on port 0', ingress({ defaultEndpoint: '127.0.0.1:0' }), [issue(`${I}.defaultEndpoint`, 'port 0 is out of range; ports are 1-65535')]],
    [
      'a unix socket on an inbound listener',
      ingress({ port: { number: 0, protocol: 'HTTP', name: 'uds' }, bind: 'unix:///@a' }),
      [issue(`${I}.port.number`, 'port 0 is out of range; ports are 1-65535'), issue(`${I}.bind`, '"unix:///@a" is not an IP address')],
    ],
    [
      'ISTIO_MUTUAL on an inbound listener',
      ingress({ port: { number: 443, protocol: 'HTTPS', name: 'https' }, tls: { mode: 'ISTIO_MUTUAL' } }),
      [issue(`${I}.tls.mode`, 'mode ISTIO_MUTUAL cannot be used on Sidecar inbound listeners')],
    ],
    [
      'TLS on a TCP port with a credential',
      ingress({ port: { number: 90, protocol: 'TCP', name: 'tcp' }, tls: { mode: 'SIMPLE', credentialName: 'c' } }),
      [
        issue(`${I}.tls.credentialName`, 'credentialName is not supported on Sidecar inbound listeners; use serverCertificate and privateKey'),
        issue(`${I}.tls`, 'TLS settings need the listener port protocol to be HTTPS or TLS'),
      ],
    ],
    [
      'an HTTPS redirect on an inbound listener',
      ingress({ port: { number: 443, protocol: 'HTTPS', name: 'https' }, tls: { mode: 'SIMPLE', httpsRedirect: true, serverCertificate: '/c', privateKey: '/k' } }),
      [issue(`${I}.tls.httpsRedirect`, 'httpsRedirect is not supported on Sidecar inbound listeners')],
    ],
    ['an empty connection pool', ingress({ connectionPool: {} }), [issue(`${I}.connectionPool`, 'a connection pool needs tcp or http settings')]],
    [
      'ALLOW_ANY_DYNAMIC_DNS',
      { outboundTrafficPolicy: { mode: 'ALLOW_ANY_DYNAMIC_DNS' } },
      [issue('spec.outboundTrafficPolicy.mode', 'ALLOW_ANY_DYNAMIC_DNS can only be set mesh-wide (MeshConfig), not in a Sidecar')],
    ],
    [
      'an egress proxy with REGISTRY_ONLY',
      { outboundTrafficPolicy: { egressProxy: { host: 'a.com', port: { number: 1 } } } },
      [issue('spec.outboundTrafficPolicy.egressProxy', 'egressProxy is used only with mode ALLOW_ANY')],
    ],
    [
      'an egress proxy without a port',
      { outboundTrafficPolicy: { mode: 'ALLOW_ANY', egressProxy: { host: 'a.com' } } },
      [issue('spec.outboundTrafficPolicy.egressProxy.port', 'egressProxy needs a port')],
    ],
    [
      'an egress proxy with a wildcard host',
      { outboundTrafficPolicy: { mode: 'ALLOW_ANY', egressProxy: { host: 'foobar*123', port: { number: 1 } } } },
      [
        issue(
          'spec.outboundTrafficPolicy.egressProxy.host',
          '"foobar*123" has an invalid label "foobar*123" (labels are 1-63 letters, digits or dashes, not starting or ending with a dash)',
        ),
        issue(
          'spec.outboundTrafficPolicy.egressProxy.host',
          '"foobar*123" has a wildcard in the wrong place; "*" may only stand for (or start) the first label, as in "*.example.com"',
        ),
      ],
    ],
  ])('%s', (_name, spec, expected) => {
    expectIssues(errorsOf(spec), expected);
  });
});

describe('Sidecar: warnings', () => {
  it('warns about redundant hosts, HTTP pools on TCP ports and empty selectors', () => {
    const r = report({
      workloadSelector: {},
      ingress: [{ port: { number: 90, protocol: 'TCP', name: 'tcp' }, connectionPool: { http: { maxRetries: 3 } } }],
      egress: [{ hosts: ['*/*', 'test/a.com', './*', 'default/b.com'] }],
    });
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([
      'spec.workloadSelector: sidecar selector has no labels, so it applies to every workload in the namespace',
      'spec.ingress[0].connectionPool.http applies only to HTTP ports; port 90 is TCP',
      'spec.egress[0].hosts[3]: "default/b.com" is already covered by another host of this listener',
      'spec.egress[0].hosts: "*/*" selects everything, so the other hosts add nothing',
    ]);
  });
});

describe('Sidecar: totality', () => {
  it('never throws and always names a field', () => {
    assertTotal(validateSidecar, 'Sidecar', [
      'workloadSelector',
      'labels',
      'ingress',
      'egress',
      'inboundConnectionPool',
      'outboundTrafficPolicy',
      'port',
      'number',
      'protocol',
      'name',
      'bind',
      'captureMode',
      'defaultEndpoint',
      'tls',
      'connectionPool',
      'hosts',
      'mode',
      'egressProxy',
      'host',
      'http',
      'tcp',
    ]);
  });
});
