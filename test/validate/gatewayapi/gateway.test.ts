import { describe, expect, it } from 'vitest';
import { validateGateway } from '../../helpers/validators.js';
import { assertTotal, issue, resource } from './helpers.js';

const http = { name: 'http', protocol: 'HTTP', port: 80 };
const https = { name: 'https', protocol: 'HTTPS', port: 443, hostname: 'shop.example.com', tls: { certificateRefs: [{ name: 'shop-cert' }] } };
const gw = (spec: Record<string, unknown>): unknown => ({ gatewayClassName: 'istio', listeners: [http], ...spec });
const errorsOf = (spec: unknown): unknown => validateGateway(resource('Gateway', spec)).errors;

describe('Gateway', () => {
  it.each<[string, unknown]>([
    ['a plain HTTP listener', gw({})],
    ['HTTP and HTTPS listeners', gw({ listeners: [http, https] })],
    ['two HTTPS listeners told apart by hostname', gw({ listeners: [https, { ...https, name: 'api', hostname: 'api.example.com' }] })],
    ['a wildcard hostname', gw({ listeners: [{ ...http, hostname: '*.example.com' }] })],
    ['TLS passthrough', gw({ listeners: [{ name: 'tls', protocol: 'TLS', port: 443, tls: { mode: 'Passthrough' } }] })],
    ['TLS termination with options instead of certificates', gw({ listeners: [{ ...https, tls: { options: { 'example.com/cert': 'vault' } } }] })],
    ['TCP and UDP on the same port', gw({ listeners: [{ name: 'tcp', protocol: 'TCP', port: 53 }, { name: 'udp', protocol: 'UDP', port: 53 }] })],
    ['a domain-prefixed protocol', gw({ listeners: [{ name: 'custom', protocol: 'example.com/quic', port: 8443 }] })],
    ['IP and hostname addresses', gw({ addresses: [{ value: '10.0.0.1' }, { type: 'IPAddress', value: '2001:db8::1' }, { type: 'Hostname', value: 'lb.example.com' }] })],
    ['an address without a value (the implementation picks one)', gw({ addresses: [{ type: 'IPAddress' }] })],
    ['a custom address type', gw({ addresses: [{ type: 'example.com/pool', value: 'anything goes' }] })],
    ['allowedRoutes by selector', gw({ listeners: [{ ...http, allowedRoutes: { namespaces: { from: 'Selector', selector: { matchLabels: { team: 'shop' } } }, kinds: [{ kind: 'HTTPRoute' }] } }] })],
    ['infrastructure labels and annotations', gw({ infrastructure: { labels: { 'example.com/team': 'shop' }, annotations: { note: 'x' }, parametersRef: { group: '', kind: 'ConfigMap', name: 'gw-options' } } })],
    ['ListenerSets allowed from all namespaces', gw({ allowedListeners: { namespaces: { from: 'All' } } })],
    ['frontend client validation per port', gw({ tls: { frontend: { default: {}, perPort: [{ port: 443, tls: { validation: { caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'ca' }] } } }] } } })],
  ])('accepts %s', (_name, spec) => {
    expect(errorsOf(spec)).toEqual([]);
  });

  it.each<[string, unknown, string, string]>([
    ['a missing gatewayClassName', { listeners: [http] }, 'spec.gatewayClassName', 'required field is missing'],
    ['no listeners', gw({ listeners: [] }), 'spec.listeners', 'must have at least one entry'],
    ['a port out of range', gw({ listeners: [{ ...http, port: 70000 }] }), 'spec.listeners[0].port', 'must be at most 65535; got the number 70000'],
    ['a port given as a string', gw({ listeners: [{ ...http, port: '80' }] }), 'spec.listeners[0].port', 'must be a number, not the string "80"'],
    ['an upper-case listener name', gw({ listeners: [{ ...http, name: 'Web' }] }), 'spec.listeners[0].name', 'must consist of lower-case letters, digits, "-" and ".", starting and ending with a letter or digit'],
    ['a hostname with a port', gw({ listeners: [{ ...http, hostname: 'example.com:80' }] }), 'spec.listeners[0].hostname', 'must be a lower-case DNS name, optionally starting with a "*." wildcard label (no ports, schemes or paths)'],
    ['a protocol with a space', gw({ listeners: [{ ...http, protocol: 'HTTP 2' }] }), 'spec.listeners[0].protocol', 'must be HTTP, HTTPS, TLS, TCP, UDP or a domain-prefixed protocol such as example.com/proto'],
    ['an unknown TLS mode', gw({ listeners: [{ ...https, tls: { mode: 'Mutual', certificateRefs: [{ name: 'c' }] } }] }), 'spec.listeners[0].tls.mode', 'must be one of "Terminate", "Passthrough"; got the string "Mutual"'],
    ['tls on an HTTP listener', gw({ listeners: [{ ...http, tls: { mode: 'Passthrough' } }] }), 'spec.listeners[0].tls', 'HTTP listeners do not handle TLS; remove tls (only HTTPS and TLS listeners take it)'],
    ['tls on a UDP listener', gw({ listeners: [{ name: 'dns', protocol: 'UDP', port: 53, tls: { mode: 'Passthrough' } }] }), 'spec.listeners[0].tls', 'UDP listeners do not handle TLS; remove tls (only HTTPS and TLS listeners take it)'],
    ['HTTPS in passthrough mode', gw({ listeners: [{ ...https, tls: { mode: 'Passthrough' } }] }), 'spec.listeners[0].tls.mode', 'an HTTPS listener always terminates TLS, so mode must be Terminate; for Passthrough use protocol TLS'],
    ['a TLS listener without tls', gw({ listeners: [{ name: 'tls', protocol: 'TLS', port: 443 }] }), 'spec.listeners[0].tls', 'a TLS listener needs tls with a mode: Passthrough to forward the encrypted stream, Terminate to decrypt it'],
    ['termination without a certificate', gw({ listeners: [{ ...https, tls: { mode: 'Terminate' } }] }), 'spec.listeners[0].tls.certificateRefs', 'terminating TLS needs a certificate: add a certificateRefs entry (or implementation options that provide one)'],
    ['termination by default without a certificate', gw({ listeners: [{ name: 'tls', protocol: 'TLS', port: 443, tls: {} }] }), 'spec.listeners[0].tls.certificateRefs', 'terminating TLS needs a certificate: add a certificateRefs entry (or implementation options that provide one)'],
    ['a hostname on a TCP listener', gw({ listeners: [{ name: 'db', protocol: 'TCP', port: 5432, hostname: 'db.example.com' }] }), 'spec.listeners[0].hostname', 'TCP listeners cannot match on hostname (there is no SNI or Host header); remove it'],
    ['two listeners with one name', gw({ listeners: [http, { ...http, port: 8080 }] }), 'spec.listeners[1].name', 'listeners[0] already has the name "http"; listener names must be unique'],
    ['two listeners on the same port, protocol and hostname', gw({ listeners: [http, { ...http, name: 'other' }] }), 'spec.listeners[1]', 'listeners[0] already listens on port 80 with protocol HTTP and the same hostname; each listener needs its own combination'],
    ['an address that is not an IP', gw({ addresses: [{ value: 'lb.example.com' }] }), 'spec.addresses[0].value', '"lb.example.com" is not an IP address (IPAddress is the default type; set type: Hostname for a DNS name)'],
    ['a CIDR as an address', gw({ addresses: [{ type: 'IPAddress', value: '10.0.0.0/24' }] }), 'spec.addresses[0].value', '"10.0.0.0/24" is not an IP address (IPAddress is the default type; set type: Hostname for a DNS name)'],
    ['a hostname address with a port', gw({ addresses: [{ type: 'Hostname', value: 'lb.example.com:80' }] }), 'spec.addresses[0].value', '"lb.example.com:80" is not a valid hostname: lower-case DNS labels, optionally starting with "*.", and no port'],
    ['the same IP twice', gw({ addresses: [{ value: '10.0.0.1' }, { type: 'IPAddress', value: '10.0.0.1' }] }), 'spec.addresses[1].value', 'addresses[0] already requests "10.0.0.1"; addresses must be unique'],
    ['an unknown address type', gw({ addresses: [{ type: 'DNS', value: 'x' }] }), 'spec.addresses[0].type', 'must be IPAddress, Hostname, NamedAddress or a domain-prefixed type such as example.com/my-type'],
    ['a malformed infrastructure label key', gw({ infrastructure: { labels: { 'team~': 'shop' } } }), 'spec.infrastructure.labels["team~"]', 'label key: must be an optional DNS prefix and "/" followed by a name of 1-63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit'],
    ['a malformed infrastructure label value', gw({ infrastructure: { labels: { team: '-shop' } } }), 'spec.infrastructure.labels.team', 'label value must be empty or letters, digits, "-", "_" or ".", starting and ending with a letter or digit'],
    ['an annotation key with a bad prefix', gw({ infrastructure: { annotations: { 'Example.com/x': 'y' } } }), 'spec.infrastructure.annotations["Example.com/x"]', 'annotation key: the prefix "Example.com" must be a lower-case DNS subdomain shorter than 253 characters'],
    ['too many infrastructure labels', gw({ infrastructure: { labels: Object.fromEntries([...'abcdefghi'].map((k) => [k, 'v'])) } }), 'spec.infrastructure.labels', 'must have at most 8 entries; it has 9'],
    ['a port configured twice for client validation', gw({ tls: { frontend: { default: {}, perPort: [{ port: 443, tls: {} }, { port: 443, tls: {} }] } } }), 'spec.tls.frontend.perPort[1].port', 'tls.frontend.perPort[0] already configures port 443; each port may appear once'],
    ['an unknown namespaces.from', gw({ listeners: [{ ...http, allowedRoutes: { namespaces: { from: 'None' } } }] }), 'spec.listeners[0].allowedRoutes.namespaces.from', 'must be one of "All", "Selector", "Same"; got the string "None"'],
  ])('rejects %s', (_name, spec, path, message) => {
    expect(errorsOf(spec)).toEqual([issue(path, message)]);
  });

  it('collects every problem, not just the first', () => {
    const errors = errorsOf({ listeners: [{ name: 'x', protocol: 'UDP', port: 0, hostname: 'a.example.com' }] }) as unknown[];
    expect(errors).toEqual([
      issue('spec.gatewayClassName', 'required field is missing'),
      issue('spec.listeners[0].port', 'must be at least 1; got the number 0'),
      issue('spec.listeners[0].hostname', 'UDP listeners cannot match on hostname (there is no SNI or Host header); remove it'),
    ]);
  });

  it.each<[string, unknown, string]>([
    ['an unknown field inside spec', gw({ listners: [] }), 'spec.listners: unknown field; the API server will drop it'],
    ['HTTPS without tls (allowed since v1.1, but certificates must come from elsewhere)', gw({ listeners: [{ name: 'https', protocol: 'HTTPS', port: 443 }] }), 'spec.listeners[0].tls: HTTPS without tls works only if the implementation supplies certificates'],
    ['a selector that is ignored', gw({ listeners: [{ ...http, allowedRoutes: { namespaces: { from: 'All', selector: {} } } }] }), 'spec.listeners[0].allowedRoutes.namespaces.selector: ignored because from is All, not Selector'],
    ['a route kind the protocol cannot serve', gw({ listeners: [{ ...http, allowedRoutes: { kinds: [{ kind: 'HTTPRoute' }, { kind: 'TCPRoute' }] } }] }), 'spec.listeners[0].allowedRoutes.kinds[1].kind: TCPRoutes cannot attach to HTTP listeners'],
    ['a deprecated address type', gw({ addresses: [{ type: 'NamedAddress', value: 'my-ip' }] }), 'spec.addresses[0].type: NamedAddress is deprecated; use an implementation-specific domain-prefixed type'],
  ])('warns about %s', (_name, spec, warning) => {
    const report = validateGateway(resource('Gateway', spec));
    expect(report.errors).toEqual([]);
    expect(report.warnings).toEqual([warning]);
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    ['an unknown top-level field', { selector: {} }, 'selector', 'unknown top-level field; only apiVersion, kind, metadata, spec and status are allowed (is it meant to be under spec?)'],
    ['no spec', { spec: undefined }, 'spec', 'required field is missing'],
    ['a spec that is a list', { spec: [] }, 'spec', 'must be an object (a map of fields), not a list'],
    ['an unserved version', { apiVersion: 'gateway.networking.k8s.io/v2' }, 'apiVersion', 'no Gateway API release serves version "v2"; use one of v1, v1beta1, v1alpha2, v1alpha3'],
    ['an invalid name', { metadata: { name: 'My_Gateway' } }, 'metadata.name', 'must be a DNS subdomain: lower-case letters, digits, "-" and ".", at most 253 characters'],
  ])('rejects an envelope with %s', (_name, patch, path, message) => {
    const obj = { ...resource('Gateway', gw({})), ...patch };
    expect(validateGateway(obj).errors).toEqual([issue(path, message)]);
  });

  it('never throws and always names a field', () => {
    assertTotal(validateGateway, 'Gateway', ['gatewayClassName', 'listeners', 'name', 'port', 'protocol', 'hostname', 'tls', 'mode',
      'certificateRefs', 'options', 'allowedRoutes', 'namespaces', 'from', 'selector', 'kinds', 'addresses', 'type', 'value',
      'infrastructure', 'labels', 'annotations', 'frontend', 'perPort', 'default', 'validation']);
  });
});
