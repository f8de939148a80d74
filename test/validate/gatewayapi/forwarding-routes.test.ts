// TCPRoute, UDPRoute and TLSRoute share their rules; each kind is checked with the same table.
import { describe, expect, it } from 'vitest';
import type { Validator } from '../../../src/validate/issues.js';
import { validateTCPRoute } from '../../helpers/validators.js';
import { validateTLSRoute } from '../../helpers/validators.js';
import { validateUDPRoute } from '../../helpers/validators.js';
import { assertTotal, issue, resource } from './helpers.js';

const ALPHA2 = 'gateway.networking.k8s.io/v1alpha2';
const backend = { name: 'db', port: 5432 };
const hostnames = { hostnames: ['db.example.com'] };
const KEYS = ['parentRefs', 'hostnames', 'rules', 'backendRefs', 'name', 'port', 'weight', 'kind', 'group', 'sectionName', 'namespace'];

describe.each<[string, Validator, Record<string, unknown>]>([
  ['TCPRoute', validateTCPRoute, {}],
  ['UDPRoute', validateUDPRoute, {}],
  ['TLSRoute', validateTLSRoute, hostnames],
])('%s', (kind, validate, base) => {
  const route = (spec: Record<string, unknown>): unknown => ({ parentRefs: [{ name: 'edge', sectionName: 'l4' }], rules: [{ backendRefs: [backend] }], ...base, ...spec });
  const errorsOf = (spec: unknown, apiVersion?: string): unknown => validate(resource(kind, spec, apiVersion)).errors;

  it.each<[string, unknown, string | undefined]>([
    ['one rule with weighted backends', route({ rules: [{ name: 'main', backendRefs: [{ ...backend, weight: 3 }, { name: 'db2', port: 5432, weight: 1 }] }] }), undefined],
    ['a parent that is not a Gateway, selected by port', route({ parentRefs: [{ group: 'example.io', kind: 'Mesh', name: 'mesh', port: 8000 }] }), undefined],
    ['several rules in v1alpha2', route({ rules: [{ backendRefs: [backend] }, { backendRefs: [backend] }] }), ALPHA2],
  ])('accepts %s', (_name, spec, apiVersion) => {
    expect(errorsOf(spec, apiVersion)).toEqual([]);
  });

  it.each<[string, unknown, string, string]>([
    ['no rules', route({ rules: undefined }), 'spec.rules', 'required field is missing'],
    ['two rules in v1', route({ rules: [{ backendRefs: [backend] }, { backendRefs: [backend] }] }), 'spec.rules', 'must have at most 1 entry; it has 2'],
    ['a rule without backends', route({ rules: [{}] }), 'spec.rules[0].backendRefs', 'required field is missing'],
    ['a rule with an empty backend list', route({ rules: [{ backendRefs: [] }] }), 'spec.rules[0].backendRefs', 'must have at least one entry'],
    ['a Service backend without a port', route({ rules: [{ backendRefs: [{ name: 'db' }] }] }), 'spec.rules[0].backendRefs[0].port', 'required when the backend is a Service: give the Service port (not the target port) to send traffic to'],
    ['a backend namespace with a dot', route({ rules: [{ backendRefs: [{ ...backend, namespace: 'a.b' }] }] }), 'spec.rules[0].backendRefs[0].namespace', 'must be a namespace name: lower-case letters, digits and "-" (no ".")'],
    ['a parent group with a slash', route({ parentRefs: [{ name: 'edge', group: 'example.com/v1' }] }), 'spec.parentRefs[0].group', 'must be empty (the core API group) or a DNS subdomain of lower-case letters, digits, "-" and ".", e.g. gateway.networking.k8s.io'],
    ['a parent kind with a slash', route({ parentRefs: [{ name: 'edge', kind: 'a/b' }] }), 'spec.parentRefs[0].kind', 'must be a Kubernetes kind: a letter followed by letters, digits or "-", e.g. Service'],
    ['the same parent listener twice', route({ parentRefs: [{ name: 'edge', sectionName: 'l4' }, { name: 'edge', sectionName: 'l4' }] }), 'spec.parentRefs[1]', 'duplicates parentRefs[0]: same parent, same sectionName and port; remove one or pick a different listener'],
  ])('rejects %s', (_name, spec, path, message) => {
    expect(errorsOf(spec)).toEqual([issue(path, message)]);
  });

  it('never throws and always names a field', () => {
    assertTotal(validate, kind, KEYS);
    assertTotal(validate, kind, KEYS, ALPHA2);
  });
});

describe('TLSRoute hostnames', () => {
  const route = (spec: Record<string, unknown>): unknown => ({ parentRefs: [{ name: 'edge' }], rules: [{ backendRefs: [backend] }], ...spec });
  const errorsOf = (spec: unknown, apiVersion?: string): unknown => validateTLSRoute(resource('TLSRoute', spec, apiVersion)).errors;

  it.each<[string, unknown, string | undefined]>([
    ['a wildcard SNI', route({ hostnames: ['*.example.com'] }), undefined],
    ['a 63-character label', route({ hostnames: [`${'a'.repeat(63)}.example.com`] }), undefined],
    ['v1alpha3 with hostnames', route(hostnames), 'gateway.networking.k8s.io/v1alpha3'],
    ['v1alpha2 without hostnames', route({}), ALPHA2],
    ['more than 16 hostnames in v1', route({ hostnames: Array.from({ length: 1024 }, (_, i) => `db${i}.example.com`) }), undefined],
  ])('accepts %s', (_name, spec, apiVersion) => {
    expect(errorsOf(spec, apiVersion)).toEqual([]);
  });

  it.each<[string, unknown, string, string]>([
    ['no hostnames in v1', route({}), 'spec.hostnames', 'required field is missing'],
    ['an empty hostname list', route({ hostnames: [] }), 'spec.hostnames', 'must have at least one entry'],
    ['more than 1024 hostnames in v1', route({ hostnames: Array.from({ length: 1025 }, (_, i) => `db${i}.example.com`) }), 'spec.hostnames', 'must have at most 1024 entries; it has 1025'],
    ['an IP as SNI', route({ hostnames: ['192.168.0.1'] }), 'spec.hostnames[0]', '"192.168.0.1" is an IP address; SNI carries DNS names only'],
    ['a label longer than 63 characters', route({ hostnames: [`*.${'a'.repeat(64)}.example.com`] }), 'spec.hostnames[0]', `the label "${'a'.repeat(20)}…" has 64 characters; RFC 1123 allows at most 63 per label`],
    ['a wildcard in the middle', route({ hostnames: ['db.*.example.com'] }), 'spec.hostnames[0]', 'must be a lower-case DNS name, optionally starting with a "*." wildcard label (no ports, schemes or paths)'],
  ])('rejects %s', (_name, spec, path, message) => {
    expect(errorsOf(spec)).toEqual([issue(path, message)]);
  });
});
