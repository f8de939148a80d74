import { describe, expect, it } from 'vitest';
import { validateGateway, expectIssues } from '../../helpers/validators.js';
import type { Issue } from '../../../src/validate/issues.js';
import { assertTotal, issue, reportOf } from './helpers.js';

const report = (spec: unknown, metadata?: Record<string, unknown>) => reportOf(validateGateway, 'Gateway', spec, metadata);
const errorsOf = (spec: unknown) => report(spec).errors;

const port = (protocol: string, number = 443, name = protocol.toLowerCase()) => ({ number, protocol, name });
/** A gateway with one server: hosts foo.example.com plus `server`. */
const gw = (server: Record<string, unknown>) => ({ selector: { istio: 'ingressgateway' }, servers: [{ hosts: ['foo.example.com'], port: port('HTTP', 80), ...server }] });
const S = 'spec.servers[0]';
const https = (tls: unknown) => gw({ port: port('HTTPS'), tls });

describe('Gateway: accepted', () => {
  it.each<[string, unknown]>([
    ['plain HTTP', gw({})],
    ['HTTP with an HTTPS redirect', gw({ tls: { httpsRedirect: true } })],
    ['HTTPS with a credential', https({ mode: 'SIMPLE', credentialName: 'cert' })],
    ['HTTPS with two credentials', https({ mode: 'MUTUAL', credentialNames: ['rsa', 'ecdsa'] })],
    ['HTTPS with files', https({ mode: 'SIMPLE', serverCertificate: '/c.pem', privateKey: '/k.pem' })],
    [
      'MUTUAL with two certificate pairs',
      https({
        mode: 'MUTUAL',
        caCertificates: '/ca.pem',
        tlsCertificates: [
          { serverCertificate: '/a', privateKey: '/b' },
          { serverCertificate: '/c', privateKey: '/d' },
        ],
      }),
    ],
    ['SIMPLE with a credential and a CRL', https({ mode: 'SIMPLE', credentialName: 'cert', caCrl: '/crl.pem' })],
    ['TLS passthrough', gw({ port: port('TLS'), tls: { mode: 'PASSTHROUGH' } })],
    ['ISTIO_MUTUAL', gw({ port: port('TLS', 15443), tls: { mode: 'ISTIO_MUTUAL' } })],
    ['namespaced and wildcard hosts', gw({ hosts: ['ns1/foo.example.com', '*/bar.example.com', './*.example.com', '*'] })],
    ['an IP address host', gw({ hosts: ['1.1.1.1'] })],
    ['IPv6 address hosts, bare and namespaced', gw({ hosts: ['2001:db8::1', 'ns/::1'] })],
    ['lower-case protocols', gw({ port: port('http', 8080) })],
    ['a bind address', gw({ bind: '127.0.0.1' })],
    ['a unix socket with port 0', gw({ bind: 'unix://@gw', port: port('HTTP', 0) })],
    ['TCP without TLS', gw({ port: port('TCP', 31400) })],
  ])('%s', (_name, spec) => {
    expect(errorsOf(spec)).toEqual([]);
  });
});

describe('Gateway: servers', () => {
  it.each<[string, unknown, Issue[]]>([
    ['no servers', { selector: { app: 'x' } }, [issue('spec.servers', 'a gateway needs at least one server')]],
    ['no hosts', gw({ hosts: [] }), [issue(`${S}.hosts`, 'a server needs at least one host (use "*" for all)')]],
    ['a short host name', gw({ hosts: ['foo'] }), [issue(`${S}.hosts[0]`, '"foo" is a short name; use a fully qualified name such as "foo.namespace.svc.cluster.local" or "*"')]],
    [
      'a partial wildcard',
      gw({ hosts: ['*bar.com'] }),
      [issue(`${S}.hosts[0]`, '"*bar.com" uses a partial wildcard; "*" may only be the whole first label, as in "*.example.com"')],
    ],
    ['"~" as namespace', gw({ hosts: ['~/foo.example.com'] }), [issue(`${S}.hosts[0]`, '"~" is not a valid namespace; use "*", "." or a namespace name')]],
    [
      'a wildcard in the middle',
      gw({ hosts: ['foo.*.bar.com'] }),
      [
        issue(`${S}.hosts[0]`, '"foo.*.bar.com" has an invalid label "*" (labels are 1-63 letters, digits or dashes, not starting or ending with a dash)'),
        issue(`${S}.hosts[0]`, '"foo.*.bar.com" uses a partial wildcard; "*" may only be the whole first label, as in "*.example.com"'),
      ],
    ],
    [
      'an unknown protocol',
      gw({ port: port('KAFKA', 9092) }),
      [issue(`${S}.port.protocol`, '"KAFKA" is not a protocol a gateway can serve; use one of TCP, GRPC, GRPC-WEB, HTTP, HTTP_PROXY, HTTP2, HTTPS, TLS, MONGO, REDIS, MYSQL')],
    ],
    ['a port out of range', gw({ port: port('HTTP', 66000) }), [issue(`${S}.port.number`, 'port 66000 is out of range; ports are 1-65535')]],
    ['a targetPort', gw({ port: { ...port('HTTP', 80), targetPort: 8080 } }), [issue(`${S}.port.targetPort`, 'targetPort has no effect on gateway servers; remove it')]],
    ['an empty port name', gw({ port: port('HTTP', 80, '') }), [issue(`${S}.port.name`, 'a server port needs a name')]],
    ['a missing port (CRD)', { servers: [{ hosts: ['a.com'] }] }, [issue(`${S}.port`, 'required field is missing')]],
    ['a bind that is not an IP', gw({ bind: 'foo.bar' }), [issue(`${S}.bind`, '"foo.bar" is not an IP address (or unix:// socket)')]],
    [
      'a unix socket with a port number',
      gw({ bind: 'unix://@gw', port: port('HTTP', 8080) }),
      [issue(`${S}.port.number`, 'a server bound to a unix socket must use port number 0')],
    ],
    [
      'duplicate port names',
      {
        servers: [
          { hosts: ['a.com'], port: port('HTTP', 80, 'web') },
          { hosts: ['b.com'], port: port('HTTP', 8080, 'web') },
        ],
      },
      [issue('spec.servers[1].port.name', 'port name "web" is already used by spec.servers[0]; server port names must be unique')],
    ],
    ['a null server', { servers: [null] }, [issue(S, 'a server may not be null')]],
  ])('%s', (_name, spec, expected) => {
    expectIssues(errorsOf(spec), expected);
  });

  it('refuses dotted gateway names, which VirtualServices cannot refer to', () => {
    expect(report(gw({}), { name: 'my.gateway' }).errors).toEqual([
      issue('metadata.name', 'gateway name "my.gateway" must be a DNS label (no dots), because VirtualServices refer to it as namespace/name'),
    ]);
  });
});

describe('Gateway: TLS', () => {
  const TLS = `${S}.tls`;
  it.each<[string, unknown, Issue[]]>([
    ['HTTPS without TLS', gw({ port: port('HTTPS') }), [issue(TLS, 'HTTPS servers need tls settings (for example mode SIMPLE with a credentialName)')]],
    [
      'HTTP terminating TLS',
      gw({ tls: { mode: 'SIMPLE', credentialName: 'c' } }),
      [issue(TLS, 'plain-text HTTP servers cannot terminate TLS; use protocol HTTPS, or keep only httpsRedirect')],
    ],
    [
      'HTTP with a certificate',
      gw({ tls: { httpsRedirect: true, serverCertificate: '/c.pem' } }),
      [issue(TLS, 'plain-text HTTP servers cannot terminate TLS; use protocol HTTPS, or keep only httpsRedirect')],
    ],
    ['TCP with TLS', gw({ port: port('TCP', 31400), tls: { mode: 'PASSTHROUGH' } }), [issue(TLS, 'TCP servers do not use TLS; remove tls or use protocol HTTPS or TLS')]],
    ['SIMPLE without a key', https({ mode: 'SIMPLE', serverCertificate: '/c.pem' }), [issue(`${TLS}.privateKey`, 'SIMPLE TLS needs a private key (or a credentialName)')]],
    [
      'MUTUAL without anything',
      https({ mode: 'MUTUAL' }),
      [
        issue(`${TLS}.caCertificates`, 'MUTUAL needs caCertificates to verify client certificates (or a credentialName)'),
        issue(`${TLS}.serverCertificate`, 'MUTUAL TLS needs a server certificate (or a credentialName)'),
        issue(`${TLS}.privateKey`, 'MUTUAL TLS needs a private key (or a credentialName)'),
      ],
    ],
    [
      'a certificate pair without its key',
      https({ mode: 'MUTUAL', caCertificates: '/ca', tlsCertificates: [{ serverCertificate: '/c' }] }),
      [issue(`${TLS}.tlsCertificates[0].privateKey`, 'MUTUAL TLS needs a private key (or a credentialName)')],
    ],
    [
      'a credential and files',
      https({ mode: 'SIMPLE', credentialName: 'c', serverCertificate: '/c', privateKey: '/k' }),
      [issue(TLS, 'set only one source of server certificates; serverCertificate/privateKey and credentialName are both set')],
    ],
    [
      'credentialName and credentialNames',
      https({ mode: 'SIMPLE', credentialName: 'c', credentialNames: ['d'] }),
      [issue(TLS, 'set only one source of server certificates; credentialName and credentialNames are both set')],
    ],
    [
      'ISTIO_MUTUAL with a certificate',
      gw({ port: port('TLS'), tls: { mode: 'ISTIO_MUTUAL', serverCertificate: '/c' } }),
      [issue(`${TLS}.serverCertificate`, 'ISTIO_MUTUAL uses the mesh certificates; remove this field')],
    ],
    [
      'a CRL with SIMPLE',
      https({ mode: 'SIMPLE', serverCertificate: '/c', privateKey: '/k', caCrl: '/crl' }),
      [issue(`${TLS}.caCrl`, 'SIMPLE TLS does not verify client certificates, so a certificate revocation list cannot be used')],
    ],
    [
      'three certificate pairs (CRD)',
      https({ mode: 'SIMPLE', tlsCertificates: [1, 2, 3].map((i) => ({ serverCertificate: `/c${i}`, privateKey: `/k${i}` })) }),
      [issue(`${TLS}.tlsCertificates`, 'must have at most 2 entries; it has 3')],
    ],
    [
      'an unknown mode',
      https({ mode: 'STRICT' }),
      [issue(`${TLS}.mode`, 'must be one of "PASSTHROUGH", "SIMPLE", "MUTUAL", "AUTO_PASSTHROUGH", "ISTIO_MUTUAL", "OPTIONAL_MUTUAL"; got the string "STRICT"')],
    ],
  ])('%s', (_name, spec, expected) => {
    expectIssues(errorsOf(spec), expected);
  });

  it('warns about ignored certificates, redirects on HTTPS and unknown cipher suites', () => {
    const r = report({
      servers: [
        { hosts: ['a.com'], port: port('TLS', 443, 'tls'), tls: { mode: 'PASSTHROUGH', credentialName: 'c' } },
        {
          hosts: ['b.com'],
          port: port('HTTPS', 8443),
          tls: { mode: 'SIMPLE', credentialName: 'c', httpsRedirect: true, cipherSuites: ['NOT-A-CIPHER', 'AES128-SHA', 'AES128-SHA'], minProtocolVersion: 'TLSV1_1' },
        },
      ],
    });
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([
      'spec.servers[0].tls: PASSTHROUGH does not terminate TLS, so its certificate fields are ignored',
      'spec.servers[1].tls.cipherSuites: unknown cipher suites will be ignored: NOT-A-CIPHER',
      'spec.servers[1].tls.cipherSuites: duplicate cipher suites will be ignored: AES128-SHA',
      'spec.servers[1].tls.httpsRedirect only makes sense on HTTP servers',
    ]);
  });
});

describe('Gateway: totality', () => {
  it('never throws and always names a field', () => {
    assertTotal(validateGateway, 'Gateway', [
      'servers',
      'selector',
      'hosts',
      'port',
      'number',
      'protocol',
      'name',
      'targetPort',
      'bind',
      'tls',
      'mode',
      'credentialName',
      'credentialNames',
      'tlsCertificates',
      'serverCertificate',
      'privateKey',
      'caCertificates',
      'caCrl',
      'httpsRedirect',
      'cipherSuites',
    ]);
  });
});
