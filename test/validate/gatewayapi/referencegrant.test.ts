import { describe, expect, it } from 'vitest';
import { validateReferenceGrant } from '../../helpers/validators.js';
import { assertTotal, issue, resource } from './helpers.js';

const from = { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'shop' };
const to = { group: '', kind: 'Service' };
const report = (spec: unknown): ReturnType<typeof validateReferenceGrant> => validateReferenceGrant(resource('ReferenceGrant', spec));

describe('ReferenceGrant', () => {
  it.each<[string, unknown]>([
    ['routes in another namespace reaching every Service', { from: [from], to: [to] }],
    ['Gateways reaching one Secret', { from: [{ ...from, kind: 'Gateway' }], to: [{ group: '', kind: 'Secret', name: 'shop-cert' }] }],
  ])('accepts %s', (_name, spec) => {
    expect(report(spec).errors).toEqual([]);
  });

  it.each<[string, unknown, string, string]>([
    ['no to', { from: [from] }, 'spec.to', 'required field is missing'],
    ['an empty from', { from: [], to: [to] }, 'spec.from', 'must have at least one entry'],
    ['a from without a namespace', { from: [{ group: '', kind: 'Service' }], to: [to] }, 'spec.from[0].namespace', 'required field is missing'],
    ['a to without a group (the core group must be written as "")', { from: [from], to: [{ kind: 'Service' }] }, 'spec.to[0].group', 'required field is missing'],
    ['an empty target name', { from: [from], to: [{ ...to, name: '' }] }, 'spec.to[0].name', 'must not be empty'],
    ['seventeen sources', { from: Array.from({ length: 17 }, () => from), to: [to] }, 'spec.from', 'must have at most 16 entries; it has 17'],
  ])('rejects %s', (_name, spec, path, message) => {
    expect(report(spec).errors).toEqual([issue(path, message)]);
  });

  it('warns about a grant from its own namespace, which has no effect', () => {
    const r = report({ from: [{ ...from, namespace: 'default' }], to: [to] });
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual(['spec.from[0].namespace: same-namespace references need no grant; this entry has no effect']);
  });

  it('never throws and always names a field', () => {
    assertTotal(validateReferenceGrant, 'ReferenceGrant', ['from', 'to', 'group', 'kind', 'namespace', 'name']);
  });
});
