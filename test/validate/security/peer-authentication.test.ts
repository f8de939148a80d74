import { describe, expect, it } from 'vitest';
import { validatePeerAuthentication, expectIssues } from '../../helpers/validators.js';
import type { Issue } from '../../../src/validate/issues.js';
import { assertTotal, issue, resource } from './helpers.js';

const pa = (spec: unknown, annotations?: Record<string, string>) => resource('security.istio.io/v1', 'PeerAuthentication', spec, annotations);
const app = { matchLabels: { app: 'reviews' } };

describe('PeerAuthentication', () => {
  it.each<[string, unknown]>([
    ['no spec at all', undefined],
    ['namespace-wide STRICT', { mtls: { mode: 'STRICT' } }],
    ['mode UNSET inherits the parent', { mtls: { mode: 'UNSET' } }],
    ['port-level mTLS with a selector', { selector: app, mtls: { mode: 'PERMISSIVE' }, portLevelMtls: { '8080': { mode: 'DISABLE' } } }],
    ['port-level entry without mode', { selector: app, portLevelMtls: { '9000': {} } }],
  ])('accepts %s', (_name, spec) => {
    expect(validatePeerAuthentication(pa(spec)).errors).toEqual([]);
  });

  it.each<[string, unknown, Issue[]]>([
    ['an unknown mode', { mtls: { mode: 'ON' } }, [issue('spec.mtls.mode', 'must be one of "UNSET", "DISABLE", "PERMISSIVE", "STRICT"; got the string "ON"')]],
    [
      'port-level mTLS without a selector',
      { portLevelMtls: { '80': { mode: 'STRICT' } } },
      [issue('spec.portLevelMtls', 'port-level mTLS needs a selector with matchLabels; a namespace- or mesh-wide policy cannot set it')],
    ],
    [
      'port-level mTLS with an empty selector',
      { selector: { matchLabels: {} }, portLevelMtls: { '80': { mode: 'STRICT' } } },
      [issue('spec.portLevelMtls', 'port-level mTLS needs a selector with matchLabels; a namespace- or mesh-wide policy cannot set it')],
    ],
    ['an empty port map', { selector: app, portLevelMtls: {} }, [issue('spec.portLevelMtls', 'must list at least one port when present; remove it to use the workload-wide mode')]],
    ['port 0', { selector: app, portLevelMtls: { '0': { mode: 'STRICT' } } }, [issue('spec.portLevelMtls["0"]', 'port 0 is outside 1-65535')]],
    ['port 70000', { selector: app, portLevelMtls: { '70000': { mode: 'STRICT' } } }, [issue('spec.portLevelMtls["70000"]', 'port 70000 is outside 1-65535')]],
    ['a named port', { selector: app, portLevelMtls: { http: { mode: 'STRICT' } } }, [issue('spec.portLevelMtls.http', 'port "http" is not a number')]],
    [
      'a wildcard label value',
      { selector: { matchLabels: { app: 'rev*' } } },
      [issue('spec.selector.matchLabels.app', 'selector label value "rev*" contains "*"; selectors match exact labels, wildcards are not supported')],
    ],
    ['an empty label key', { selector: { matchLabels: { '': 'x' } } }, [issue('spec.selector.matchLabels', 'selector label keys must not be empty')]],
    ['mtls as a string', { mtls: 'STRICT' }, [issue('spec.mtls', 'must be an object (a map of fields), not the string "STRICT"')]],
    ['spec as a list', [], [issue('spec', 'must be an object, not a list')]],
  ])('rejects %s', (_name, spec, expected) => {
    expectIssues(validatePeerAuthentication(pa(spec)).errors, expected);
  });

  it('refuses the dry-run annotation, which only AuthorizationPolicy supports', () => {
    expect(validatePeerAuthentication(pa({}, { 'istio.io/dry-run': 'true' })).errors).toEqual([
      issue('metadata.annotations["istio.io/dry-run"]', 'only AuthorizationPolicy supports the dry-run annotation; remove it'),
    ]);
  });

  it('rejects unknown spec fields and warns about selectors without labels', () => {
    const report = validatePeerAuthentication(pa({ selector: {}, mtlsMode: 'STRICT' }));
    expect(report.errors).toEqual([{ path: 'spec.mtlsMode', message: 'unknown field (the PeerAuthentication v1 schema has no such field)' }]);
    expect(report.warnings).toEqual(['spec.selector: workload selector has no labels, so it applies to every workload in the namespace']);
  });

  it('never throws and always names a field', () => {
    assertTotal(validatePeerAuthentication, 'security.istio.io/v1', 'PeerAuthentication', ['selector', 'matchLabels', 'mtls', 'mode', 'portLevelMtls', '80', '0']);
  });
});
