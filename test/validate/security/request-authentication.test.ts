import { describe, expect, it } from 'vitest';
import { validateRequestAuthentication, expectIssues } from '../../helpers/validators.js';
import type { Issue } from '../../../src/validate/issues.js';
import { assertTotal, issue, matching, resource } from './helpers.js';

const ra = (spec: unknown, annotations?: Record<string, string>) => resource('security.istio.io/v1beta1', 'RequestAuthentication', spec, annotations);
const rule = (fields: Record<string, unknown>) => ({ jwtRules: [{ issuer: 'https://issuer.example.com', ...fields }] });
const R = 'spec.jwtRules[0]';
const RSA_PUBLIC = { kty: 'RSA', kid: 'k1', e: 'AQAB', n: 'sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1Wl' };

describe('RequestAuthentication', () => {
  it.each<[string, unknown]>([
    ['an empty spec', {}],
    ['an issuer only', rule({})],
    ['a jwksUri without issuer', { jwtRules: [{ jwksUri: 'https://idp.example.com/keys' }] }],
    ['a jwksUri with port and path', rule({ jwksUri: 'https://idp.example.com:8443/secure/jwks.json' })],
    ['a jwksUri without host (Istio checks only parsing and scheme)', rule({ jwksUri: 'https:///keys' })],
    ['a jwksUri with an IPv6 host and port', rule({ jwksUri: 'https://[2001:db8::1]:8443/keys' })],
    ['every token location', rule({ fromHeaders: [{ name: 'authorization', prefix: 'Bearer ' }], fromParams: ['token'], fromCookies: ['session'] })],
    ['an inline key set', rule({ jwks: JSON.stringify({ keys: [RSA_PUBLIC] }) })],
    ['a single inline key', rule({ jwks: JSON.stringify(RSA_PUBLIC) })],
    [
      'claims copied to headers',
      rule({
        outputClaimToHeaders: [
          { header: 'x-user_id', claim: 'sub' },
          { header: 'X-Group', claim: 'groups' },
        ],
      }),
    ],
    ['a timeout and presence', rule({ timeout: '5s', presence: 'REQUIRED', forwardOriginalToken: true, audiences: ['api'] })],
    ['targetRefs to a Gateway', { targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw' }], ...rule({}) }],
  ])('accepts %s', (_name, spec) => {
    expect(validateRequestAuthentication(ra(spec)).errors).toEqual([]);
  });

  it.each<[string, unknown, Issue[]]>([
    [
      'a rule with neither issuer nor jwksUri',
      { jwtRules: [{ audiences: ['a'] }] },
      [issue(`${R}.issuer`, 'set the issuer, or a jwksUri to fetch the keys from (the issuer is then not checked)')],
    ],
    ['an empty issuer', { jwtRules: [{ issuer: '', jwksUri: 'https://x.example.com' }] }, [issue(`${R}.issuer`, 'must not be empty')]],
    ['an empty audience', rule({ audiences: [''] }), [issue(`${R}.audiences[0]`, 'must not be empty')]],
    ['a jwksUri without scheme', rule({ jwksUri: 'idp.example.com/keys' }), [issue(`${R}.jwksUri`, '"idp.example.com/keys" must be an http:// or https:// URL')]],
    ['a jwksUri with another scheme', rule({ jwksUri: 'ftp://idp.example.com/keys' }), [issue(`${R}.jwksUri`, '"ftp://idp.example.com/keys" must be an http:// or https:// URL')]],
    [
      'a jwksUri with a named port',
      rule({ jwksUri: 'https://idp.example.com:https/keys' }),
      [issue(`${R}.jwksUri`, '"https://idp.example.com:https/keys" must be an http:// or https:// URL')],
    ],
    ['a jwksUri with an unclosed IPv6 host', rule({ jwksUri: 'https://[::1/keys' }), [issue(`${R}.jwksUri`, '"https://[::1/keys" must be an http:// or https:// URL')]],
    ['a jwksUri with text after an IPv6 host', rule({ jwksUri: 'https://[::1]x/keys' }), [issue(`${R}.jwksUri`, '"https://[::1]x/keys" must be an http:// or https:// URL')]],
    [
      'both jwksUri and jwks',
      rule({ jwksUri: 'https://idp.example.com/keys', jwks: JSON.stringify({ keys: [RSA_PUBLIC] }) }),
      [issue(`${R}.jwks`, 'set only one of jwksUri and jwks; this rule sets jwksUri and jwks')],
    ],
    ['an inline key set that is not JSON', rule({ jwks: 'not-json' }), [issue(`${R}.jwks`, matching(/^is not a usable JSON Web Key Set: is not valid JSON \(/))]],
    ['an inline key without kty', rule({ jwks: '{"keys":[{"n":"x","e":"AQAB"}]}' }), [issue(`${R}.jwks`, 'is not a usable JSON Web Key Set: key 0 has no "kty" (key type)')]],
    [
      'an inline RSA key without modulus',
      rule({ jwks: '{"keys":[{"kty":"RSA","e":"AQAB"}]}' }),
      [issue(`${R}.jwks`, 'is not a usable JSON Web Key Set: key 0 of type RSA lacks "n"')],
    ],
    ['an empty header location', rule({ fromHeaders: [{ name: '' }] }), [issue(`${R}.fromHeaders[0].name`, 'must not be empty')]],
    ['a header location without name', rule({ fromHeaders: [{ prefix: 'Bearer ' }] }), [issue(`${R}.fromHeaders[0].name`, 'required field is missing')]],
    ['an empty query parameter', rule({ fromParams: [''] }), [issue(`${R}.fromParams[0]`, 'must not be empty')]],
    ['an empty cookie', rule({ fromCookies: ['a', ''] }), [issue(`${R}.fromCookies[1]`, 'must not be empty')]],
    ['a null claim mapping', rule({ outputClaimToHeaders: [null] }), [issue(`${R}.outputClaimToHeaders[0]`, 'must be an object (a map of fields), not null')]],
    [
      'a claim mapping with a pseudo-header',
      rule({ outputClaimToHeaders: [{ header: ':authority', claim: 'sub' }] }),
      [issue(`${R}.outputClaimToHeaders[0].header`, 'must be a header name of letters, digits, "-" and "_"')],
    ],
    ['a claim mapping with an empty header', rule({ outputClaimToHeaders: [{ header: '', claim: 'sub' }] }), [issue(`${R}.outputClaimToHeaders[0].header`, 'must not be empty')]],
    ['a timeout that is not a duration', rule({ timeout: 'apple' }), [issue(`${R}.timeout`, '"apple" is not a duration; write it like "500ms", "10s", "1m30s" or "1h"')]],
    ['a zero timeout', rule({ timeout: '0s' }), [issue(`${R}.timeout`, '"0s" is too short; durations must be at least 1ms')]],
    ['a sub-millisecond timeout', rule({ timeout: '1500us' }), [issue(`${R}.timeout`, '"1500us" is more precise than a millisecond; Istio supports whole milliseconds only')]],
    ['an unknown presence', rule({ presence: 'MANDATORY' }), [issue(`${R}.presence`, 'must be one of "OPTIONAL", "REQUIRED"; got the string "MANDATORY"')]],
    ['an empty space-delimited claim', rule({ spaceDelimitedClaims: [''] }), [issue(`${R}.spaceDelimitedClaims[0]`, 'must not be empty')]],
    ['a null rule', { jwtRules: [null] }, [issue(R, 'must be an object (a map of fields), not null')]],
    [
      'a selector and a targetRef',
      { selector: { matchLabels: { a: 'b' } }, targetRef: { kind: 'Service', name: 'foo' } },
      [issue('spec.targetRef', 'set only one of selector, targetRef and targetRefs; this policy sets selector and targetRef')],
    ],
    [
      'a targetRef in the wrong group',
      { targetRef: { group: 'wrong-group', kind: 'Gateway', name: 'foo' } },
      [
        issue(
          'spec.targetRef.group',
          'a policy can target only a Service, a ServiceEntry (networking.istio.io), or a Gateway or GatewayClass (gateway.networking.k8s.io); got group "wrong-group", kind "Gateway"',
        ),
      ],
    ],
  ])('rejects %s', (_name, spec, expected) => {
    expectIssues(validateRequestAuthentication(ra(spec)).errors, expected);
  });

  it('warns when an inline key carries private key material', () => {
    const report = validateRequestAuthentication(ra(rule({ jwks: JSON.stringify({ keys: [{ ...RSA_PUBLIC, d: 'secret' }] }) })));
    expect(report.errors).toEqual([]);
    expect(report.warnings).toEqual([`${R}.jwks: key 0 contains private key material; only the public part is used, so remove it`]);
  });

  it('refuses the dry-run annotation', () => {
    expect(validateRequestAuthentication(ra({}, { 'istio.io/dry-run': 'true' })).errors).toEqual([
      issue('metadata.annotations["istio.io/dry-run"]', 'only AuthorizationPolicy supports the dry-run annotation; remove it'),
    ]);
  });

  it('never throws and always names a field', () => {
    assertTotal(validateRequestAuthentication, 'security.istio.io/v1', 'RequestAuthentication', [
      'selector',
      'targetRef',
      'targetRefs',
      'jwtRules',
      'issuer',
      'audiences',
      'jwksUri',
      'jwks_uri',
      'jwks',
      'fromHeaders',
      'name',
      'prefix',
      'fromParams',
      'fromCookies',
      'outputClaimToHeaders',
      'header',
      'claim',
      'timeout',
      'presence',
      'kty',
      'keys',
    ]);
  });
});
