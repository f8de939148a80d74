import { describe, expect, it } from 'vitest';
import { validateBackendTLSPolicy } from '../../helpers/validators.js';
import { assertTotal, issue, resource } from './helpers.js';

const target = { group: '', kind: 'Service', name: 'shop' };
const ca = { group: '', kind: 'ConfigMap', name: 'shop-ca' };
const policy = (validation: Record<string, unknown>, spec: Record<string, unknown> = {}): unknown => ({
  targetRefs: [target],
  validation: { hostname: 'shop.internal', caCertificateRefs: [ca], ...validation },
  ...spec,
});
const report = (spec: unknown, apiVersion?: string): ReturnType<typeof validateBackendTLSPolicy> =>
  validateBackendTLSPolicy(resource('BackendTLSPolicy', spec, apiVersion));

describe('BackendTLSPolicy', () => {
  it.each<[string, unknown, string | undefined]>([
    ['CA certificates from a ConfigMap', policy({}), undefined],
    ['the system CAs', policy({ caCertificateRefs: undefined, wellKnownCACertificates: 'System' }), undefined],
    ['subject alternative names', policy({ subjectAltNames: [{ type: 'Hostname', hostname: '*.internal' }, { type: 'URI', uri: 'spiffe://cluster.local/ns/shop/sa/shop' }] }), undefined],
    ['two ports of one Service', policy({}, { targetRefs: [{ ...target, sectionName: 'https' }, { ...target, sectionName: 'grpc' }] }), undefined],
    ['v1alpha3', policy({}), 'gateway.networking.k8s.io/v1alpha3'],
    ['the v1alpha2 shape', { targetRef: target, tls: { hostname: 'shop.internal', wellKnownCACerts: 'System' } }, 'gateway.networking.k8s.io/v1alpha2'],
  ])('accepts %s', (_name, spec, apiVersion) => {
    expect(report(spec, apiVersion).errors).toEqual([]);
  });

  it.each<[string, unknown, string, string]>([
    ['no targetRefs', { validation: { hostname: 'a', wellKnownCACertificates: 'System' } }, 'spec.targetRefs', 'required field is missing'],
    ['no hostname', policy({ hostname: undefined }), 'spec.validation.hostname', 'required field is missing'],
    ['a wildcard hostname', policy({ hostname: '*.internal' }), 'spec.validation.hostname', 'must be a lower-case DNS name without wildcards, ports, schemes or paths'],
    ['an unknown well-known set', policy({ caCertificateRefs: undefined, wellKnownCACertificates: 'Mozilla' }), 'spec.validation.wellKnownCACertificates', 'must be one of "System"; got the string "Mozilla"'],
    ['both sources of CAs', policy({ wellKnownCACertificates: 'System' }), 'spec.validation.wellKnownCACertificates', 'set either caCertificateRefs or wellKnownCACertificates, not both: they are alternative sources of trusted CAs'],
    ['no source of CAs', policy({ caCertificateRefs: [] }), 'spec.validation.caCertificateRefs', 'the backend certificate cannot be verified without trusted CAs: set caCertificateRefs or wellKnownCACertificates: System'],
    ['a CA reference without a kind', policy({ caCertificateRefs: [{ group: '', name: 'ca' }] }), 'spec.validation.caCertificateRefs[0].kind', 'required field is missing'],
    ['a Hostname SAN without a hostname', policy({ subjectAltNames: [{ type: 'Hostname' }] }), 'spec.validation.subjectAltNames[0].hostname', 'required when type is Hostname'],
    ['a URI SAN carrying a hostname', policy({ subjectAltNames: [{ type: 'URI', uri: 'spiffe://a/b', hostname: 'a.b' }] }), 'spec.validation.subjectAltNames[0].hostname', 'only allowed when type is Hostname; this entry has type URI'],
    ['a URI without a scheme', policy({ subjectAltNames: [{ type: 'URI', uri: 'shop.internal' }] }), 'spec.validation.subjectAltNames[0].uri', 'must be an absolute URI with a scheme and an authority, e.g. spiffe://cluster.local/ns/a/sa/b'],
    ['six SANs', policy({ subjectAltNames: Array.from({ length: 6 }, () => ({ type: 'Hostname', hostname: 'a.b' })) }), 'spec.validation.subjectAltNames', 'must have at most 5 entries; it has 6'],
    ['one Service targeted twice, once without sectionName', policy({}, { targetRefs: [target, { ...target, sectionName: 'https' }] }), 'spec.targetRefs[1].sectionName', 'targetRefs[0] targets the same object; when an object is targeted more than once, every entry must set sectionName'],
    ['one Service port targeted twice', policy({}, { targetRefs: [{ ...target, sectionName: 'https' }, { ...target, sectionName: 'https' }] }), 'spec.targetRefs[1]', 'duplicates targetRefs[0]: same target and sectionName'],
  ])('rejects %s', (_name, spec, path, message) => {
    expect(report(spec).errors).toEqual([issue(path, message)]);
  });

  it('rejects the v1alpha2 shape under v1, naming the fields v1 expects', () => {
    const r = report({ targetRef: target, tls: { hostname: 'a', wellKnownCACerts: 'System' } });
    expect(r.errors).toEqual([issue('spec.targetRefs', 'required field is missing'), issue('spec.validation', 'required field is missing')]);
    expect(r.warnings).toEqual(['spec.targetRef: unknown field; the API server will drop it', 'spec.tls: unknown field; the API server will drop it']);
  });

  it('checks the v1alpha2 shape with its own field names', () => {
    const r = report({ targetRef: target, tls: { hostname: 'shop.internal' } }, 'gateway.networking.k8s.io/v1alpha2');
    expect(r.errors).toEqual([issue('spec.tls.caCertRefs', 'the backend certificate cannot be verified without trusted CAs: set caCertRefs or wellKnownCACerts: System')]);
  });

  it('never throws and always names a field', () => {
    const keys = ['targetRefs', 'targetRef', 'validation', 'tls', 'hostname', 'caCertificateRefs', 'wellKnownCACertificates', 'caCertRefs',
      'wellKnownCACerts', 'subjectAltNames', 'type', 'uri', 'group', 'kind', 'name', 'sectionName', 'options'];
    assertTotal(validateBackendTLSPolicy, 'BackendTLSPolicy', keys);
    assertTotal(validateBackendTLSPolicy, 'BackendTLSPolicy', keys, 'gateway.networking.k8s.io/v1alpha2');
  });
});
