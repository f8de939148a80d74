import { describe, expect, it } from 'vitest';
import { validateListenerSet } from '../../helpers/validators.js';
import { assertTotal, issue, resource } from './helpers.js';

const listener = { name: 'shop', protocol: 'HTTPS', port: 443, hostname: 'shop.example.com', tls: { certificateRefs: [{ name: 'shop-cert' }] } };
const errorsOf = (spec: unknown): unknown => validateListenerSet(resource('ListenerSet', spec)).errors;

describe('ListenerSet', () => {
  it.each<[string, unknown]>([
    ['an HTTPS listener for a Gateway elsewhere', { parentRef: { name: 'edge', namespace: 'infra' }, listeners: [listener] }],
    ['TLS passthrough', { parentRef: { name: 'edge', kind: 'Gateway', group: 'gateway.networking.k8s.io' }, listeners: [{ name: 'tls', protocol: 'TLS', port: 8443, tls: { mode: 'Passthrough' } }] }],
  ])('accepts %s', (_name, spec) => {
    expect(errorsOf(spec)).toEqual([]);
  });

  it.each<[string, unknown, string, string]>([
    ['no parentRef', { listeners: [listener] }, 'spec.parentRef', 'required field is missing'],
    ['a parentRef without a name', { parentRef: {}, listeners: [listener] }, 'spec.parentRef.name', 'required field is missing'],
    ['no listeners', { parentRef: { name: 'edge' }, listeners: [] }, 'spec.listeners', 'must have at least one entry'],
    ['two listeners with one name', { parentRef: { name: 'edge' }, listeners: [listener, { ...listener, hostname: 'api.example.com' }] }, 'spec.listeners[1].name', 'listeners[0] already has the name "shop"; listener names must be unique'],
    ['a TLS listener without a mode', { parentRef: { name: 'edge' }, listeners: [{ name: 'tls', protocol: 'TLS', port: 8443 }] }, 'spec.listeners[0].tls', 'a TLS listener needs tls with a mode: Passthrough to forward the encrypted stream, Terminate to decrypt it'],
  ])('rejects %s', (_name, spec, path, message) => {
    expect(errorsOf(spec)).toEqual([issue(path, message)]);
  });

  it('never throws and always names a field', () => {
    assertTotal(validateListenerSet, 'ListenerSet', ['parentRef', 'listeners', 'name', 'namespace', 'port', 'protocol', 'hostname', 'tls', 'mode', 'certificateRefs', 'allowedRoutes']);
  });
});
