import { describe, expect, it } from 'vitest';
import { validateServiceEntry, expectIssues } from '../../helpers/validators.js';
import type { Issue } from '../../../src/validate/issues.js';
import { assertTotal, issue, reportOf } from './helpers.js';

const report = (spec: unknown, metadata?: Record<string, unknown>) => reportOf(validateServiceEntry, 'ServiceEntry', spec, metadata);
const errorsOf = (spec: unknown) => report(spec).errors;
const HTTP = [{ number: 80, name: 'http', protocol: 'HTTP' }];
const se = (fields: Record<string, unknown>) => ({ hosts: ['api.example.com'], ports: HTTP, ...fields });

describe('ServiceEntry: accepted', () => {
  it.each<[string, unknown]>([
    ['DNS with a host name', se({ resolution: 'DNS', location: 'MESH_EXTERNAL' })],
    [
      'DNS with host-name and IP endpoints',
      se({ hosts: ['*.example.com'], resolution: 'DNS', endpoints: [{ address: 'a.example.com', ports: { http: 8080 } }, { address: '10.0.0.1' }] }),
    ],
    ['DNS_ROUND_ROBIN with one endpoint', se({ resolution: 'DNS_ROUND_ROBIN', endpoints: [{ address: 'api-v1.example.com' }] })],
    ['STATIC with IP endpoints', se({ resolution: 'STATIC', addresses: ['240.0.0.1'], endpoints: [{ address: '10.0.0.1', labels: { version: 'v1' } }] })],
    ['STATIC on a unix socket', se({ resolution: 'STATIC', endpoints: [{ address: 'unix:///var/run/app.sock' }] })],
    ['STATIC without endpoints', se({ resolution: 'STATIC' })],
    ['NONE with a CIDR', se({ resolution: 'NONE', addresses: ['172.1.2.0/24'] })],
    ['DYNAMIC_DNS with a wildcard', se({ hosts: ['*.svc.example.com'], resolution: 'DYNAMIC_DNS', ports: [{ number: 443, name: 'tls', protocol: 'TLS' }] })],
    ['several hosts on HTTP and TLS ports', se({ hosts: ['a.com', 'b.com'], resolution: 'DNS', ports: [...HTTP, { number: 443, name: 'https', protocol: 'HTTPS' }] })],
    ['a workload selector', se({ workloadSelector: { labels: { app: 'vm' } }, resolution: 'STATIC' })],
    ['exportTo "~" alone', se({ exportTo: ['~'], resolution: 'DNS' })],
    ['an endpoint without address but with network', se({ resolution: 'STATIC', endpoints: [{ network: 'remote' }] })],
    ['IPv6 addresses', se({ resolution: 'STATIC', addresses: ['2001:db8::1', '001:db8::/64'], endpoints: [{ address: '2001:db8::2' }] })],
  ])('%s', (_name, spec) => {
    expect(errorsOf(spec)).toEqual([]);
  });
});

describe('ServiceEntry: hosts, addresses and ports', () => {
  it.each<[string, unknown, Issue[]]>([
    ['no hosts (CRD)', { ports: HTTP }, [issue('spec.hosts', 'required field is missing')]],
    ['an empty host list', se({ hosts: [] }), [issue('spec.hosts', 'a ServiceEntry needs at least one host')]],
    ['"*" as host', se({ hosts: ['*'] }), [issue('spec.hosts[0]', '"*" cannot be a ServiceEntry host; name the hosts, or a domain wildcard such as *.example.com')]],
    ['a bad host', se({ hosts: ['-'] }), [issue('spec.hosts[0]', '"-" has an invalid label "-" (labels are 1-63 letters, digits or dashes, not starting or ending with a dash)')]],
    ['a bad address', se({ addresses: ['1.1.1.1/48'] }), [issue('spec.addresses[0]', '"1.1.1.1/48" is not an IP address or CIDR block')]],
    ['a CIDR with DNS', se({ resolution: 'DNS', addresses: ['10.0.0.0/8'] }), [issue('spec.addresses', 'CIDR blocks in addresses need resolution NONE or STATIC, not DNS')]],
    [
      'duplicate port names',
      se({
        ports: [
          { number: 80, name: 'http', protocol: 'HTTP' },
          { number: 81, name: 'http', protocol: 'HTTP' },
        ],
      }),
      [issue('spec.ports[1].name', 'port name "http" is already used by another port')],
    ],
    [
      'duplicate port numbers',
      se({
        ports: [
          { number: 80, name: 'a', protocol: 'HTTP' },
          { number: 80, name: 'b', protocol: 'HTTP' },
        ],
      }),
      [issue('spec.ports[1].number', 'port 80 is already defined by spec.ports[0]')],
    ],
    [
      'an unknown protocol and a bad port name',
      se({ ports: [{ number: 80, name: 'web_1', protocol: 'HTTP3' }] }),
      [
        issue('spec.ports[0].name', 'port name "web_1" must be a DNS label: letters, digits and inner dashes, at most 63 characters'),
        issue('spec.ports[0].protocol', '"HTTP3" is not a supported protocol; use one of TCP, UDP, GRPC, GRPC-WEB, HTTP, HTTP_PROXY, HTTP2, HTTPS, TLS, MONGO, REDIS, MYSQL'),
      ],
    ],
    [
      'a targetPort out of range (CRD)',
      se({ ports: [{ number: 80, name: 'http', targetPort: 65536 }] }),
      [issue('spec.ports[0].targetPort', 'must be at most 65535; got the number 65536')],
    ],
    [
      'an unknown resolution',
      se({ resolution: 'DNS_SRV' }),
      [issue('spec.resolution', 'must be one of "NONE", "STATIC", "DNS", "DNS_ROUND_ROBIN", "DYNAMIC_DNS"; got the string "DNS_SRV"')],
    ],
    [
      'several hosts on a TCP port',
      se({ hosts: ['a.com', 'b.com'], resolution: 'DNS', ports: [{ number: 5432, name: 'pg', protocol: 'TCP' }] }),
      [issue('spec.ports[0].protocol', 'with several hosts every port must be HTTP or TLS, so that traffic can be told apart by Host or SNI')],
    ],
    ['"~" with a namespace', se({ exportTo: ['~', 'ns1'] }), [issue('spec.exportTo', '"~" hides the service from everyone; it cannot be combined with other entries')]],
    ['"*" with a namespace', se({ exportTo: ['*', 'ns1'] }), [issue('spec.exportTo', '"*" already exports to every namespace; remove the other entries')]],
  ])('%s', (_name, spec, expected) => {
    expectIssues(errorsOf(spec), expected);
  });
});

describe('ServiceEntry: resolution and endpoints', () => {
  it.each<[string, unknown, Issue[]]>([
    [
      'NONE with endpoints',
      se({ resolution: 'NONE', endpoints: [{ address: '1.1.1.1' }] }),
      [issue('spec.endpoints', 'resolution NONE forwards to the original destination; endpoints cannot be set')],
    ],
    [
      'STATIC with a host-name endpoint',
      se({ resolution: 'STATIC', endpoints: [{ address: 'vm.example.com' }] }),
      [issue('spec.endpoints[0].address', '"vm.example.com" is not an IP address; STATIC resolution needs IP addresses (use resolution DNS for host names)')],
    ],
    [
      'an endpoint port the service lacks',
      se({ resolution: 'STATIC', endpoints: [{ address: '1.1.1.1', ports: { grpc: 9090 } }] }),
      [issue('spec.endpoints[0].ports.grpc', 'the ServiceEntry has no port named "grpc"')],
    ],
    [
      'an endpoint without address or network',
      se({ resolution: 'STATIC', endpoints: [{ labels: { a: 'b' } }] }),
      [issue('spec.endpoints[0].address', 'an address is required (it may be left out only when network is set)')],
    ],
    [
      'a unix endpoint with ports',
      se({ resolution: 'STATIC', endpoints: [{ address: 'unix:///var/run/a.sock', ports: { http: 80 } }] }),
      [issue('spec.endpoints[0].ports', 'an endpoint on a unix socket has no ports; remove ports')],
    ],
    [
      'a relative unix socket',
      se({ resolution: 'STATIC', endpoints: [{ address: 'unix://./a.sock' }] }),
      [issue('spec.endpoints[0].address', '"./a.sock" must be an absolute path to a socket file (or @name for an abstract socket)')],
    ],
    [
      'a unix endpoint with two service ports',
      se({ resolution: 'STATIC', ports: [...HTTP, { number: 9090, name: 'grpc', protocol: 'GRPC' }], endpoints: [{ address: 'unix:///a.sock' }] }),
      [issue('spec.endpoints[0].address', 'a unix socket endpoint needs a ServiceEntry with exactly one port')],
    ],
    [
      'DNS for a wildcard without endpoints',
      se({ hosts: ['*.example.com'], resolution: 'DNS' }),
      [issue('spec.hosts[0]', 'with resolution DNS and no endpoints, hosts are looked up in DNS and must be fully qualified names without wildcards')],
    ],
    [
      'DNS with a unix endpoint',
      se({ resolution: 'DNS', endpoints: [{ address: 'unix:///a.sock' }] }),
      [issue('spec.endpoints[0].address', '"unix:///a.sock" must be an IP address or a host name, as DNS resolution looks it up')],
    ],
    [
      'DNS_ROUND_ROBIN with two endpoints',
      se({ resolution: 'DNS_ROUND_ROBIN', endpoints: [{ address: 'a.example.com' }, { address: '1.1.1.2' }] }),
      [issue('spec.endpoints', 'DNS_ROUND_ROBIN resolution takes at most one endpoint; there are 2')],
    ],
    [
      'DYNAMIC_DNS with a plain host, addresses and TCP',
      se({ resolution: 'DYNAMIC_DNS', addresses: ['10.0.0.1'], ports: [{ number: 5432, name: 'pg', protocol: 'TCP' }] }),
      [
        issue('spec.hosts[0]', 'DYNAMIC_DNS resolves the names under a wildcard; "api.example.com" must be a wildcard such as *.example.com'),
        issue('spec.addresses', 'DYNAMIC_DNS takes the destination from the host name; remove addresses'),
        issue('spec.ports[0].protocol', 'DYNAMIC_DNS supports only the HTTP, HTTP2, GRPC and TLS protocols'),
      ],
    ],
    [
      'a selector and endpoints',
      se({ resolution: 'STATIC', workloadSelector: { labels: { app: 'a' } }, endpoints: [{ address: '1.1.1.1' }] }),
      [issue('spec.endpoints', 'set either workloadSelector or endpoints, not both')],
    ],
    ['an empty selector key', se({ workloadSelector: { labels: { '': 'a' } } }), [issue('spec.workloadSelector.labels', 'selector label keys must not be empty')]],
  ])('%s', (_name, spec, expected) => {
    expectIssues(errorsOf(spec), expected);
  });
});

describe('ServiceEntry: warnings', () => {
  it('warns about partial wildcards, missing addresses for TCP, and ignored selectors and target ports', () => {
    const r = report({
      hosts: ['*nytimes.com'],
      ports: [{ number: 5432, name: 'pg', protocol: 'TCP', targetPort: 5433 }],
      resolution: 'NONE',
      workloadSelector: { labels: { app: 'db' } },
    });
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([
      'spec.hosts[0]: "*nytimes.com" is a partial wildcard; only "*." prefixes match as wildcards',
      'spec.ports[0].targetPort has no effect with resolution NONE',
      'spec.ports[0]: TCP (or unset) protocol without spec.addresses only works when the proxy allocates addresses',
      'spec.workloadSelector is not used with resolution NONE',
    ]);
  });

  it('does not warn about TCP ports when the object opts into address allocation', () => {
    const r = report(
      { hosts: ['db.example.com'], ports: [{ number: 5432, name: 'pg', protocol: 'TCP' }], resolution: 'DNS' },
      { labels: { 'networking.istio.io/enable-autoallocate-ip': 'true' } },
    );
    expect(r).toEqual({ errors: [], warnings: [] });
  });
});

describe('ServiceEntry: totality', () => {
  it('never throws and always names a field', () => {
    assertTotal(validateServiceEntry, 'ServiceEntry', [
      'hosts',
      'addresses',
      'ports',
      'location',
      'resolution',
      'endpoints',
      'workloadSelector',
      'exportTo',
      'subjectAltNames',
      'number',
      'protocol',
      'name',
      'targetPort',
      'address',
      'labels',
      'network',
      'locality',
      'weight',
    ]);
  });
});
