import { describe, expect, it } from 'vitest';
import { headerEditProblem, headerNameProblem, headerValueProblem, isJwtClaimHeader, requestHeaderWriteProblem } from '../../../src/validate/common/headers.js';

describe('header names', () => {
  it.each<[string, Parameters<typeof headerNameProblem>[1], boolean]>([
    ['x-user', {}, true],
    ['funky!$#_', {}, true],
    [':authority', {}, false],
    [':authority', { pseudo: true }, true],
    ['::', { pseudo: true }, false],
    ['illegal"char', {}, false],
    ['', {}, false],
    ['*', { star: true }, true],
    ['@request.auth.claims.sub', { jwtClaim: true }, true],
    ['@request.auth.claims[groups]', { jwtClaim: true }, true],
    ['@request.auth.claims.', { jwtClaim: true }, false],
    ['x_probe', { strict: true }, false],
    ['X-Probe', { strict: true }, true],
  ])('%j %j is valid: %s', (name, opts, valid) => {
    expect(headerNameProblem(name, opts) === undefined).toBe(valid);
  });

  it('recognises JWT claim routes in both forms', () => {
    expect(isJwtClaimHeader('@REQUEST.auth.claims.a.b')).toBe(true);
    expect(isJwtClaimHeader('@request.auth.claims[a][b]')).toBe(true);
    expect(isJwtClaimHeader('@request.auth.claimsfoo')).toBe(false);
  });

  it.each<[string, string | undefined, string | undefined]>([
    ['x-a', undefined, undefined],
    [':authority', undefined, '":authority" cannot be changed: headers starting with ":" are managed by the proxy'],
    ['Host', undefined, '"Host" cannot be changed here; the Host header is managed by the proxy'],
    [':path', '":path" cannot be set: headers starting with ":" are managed by the proxy', '":path" cannot be changed: headers starting with ":" are managed by the proxy'],
  ])('writing %s on requests / editing it elsewhere', (name, write, edit) => {
    expect(requestHeaderWriteProblem(name)).toBe(write);
    expect(headerEditProblem(name)).toBe(edit);
  });
});

describe('header values (Envoy formatter grammar)', () => {
  it.each([
    '',
    'plain',
    '%HOSTNAME%',
    '100%%',
    'prefix %HOSTNAME% suffix',
    '%UPSTREAM_METADATA(["istio", "cluster"])%',
    '%DOWNSTREAM_PEER_CERT_V_START(%b %e %H:%M:%S %Y %Z)%',
    '%REQ(x-a)%',
    'tab\there',
    '%UPSTREAM_METADATA(\t["istio",\t"cluster"]\t)\t%',
  ])('accepts %j', (value) => {
    expect(headerValueProblem(value)).toBeUndefined();
  });

  it.each<[string, string]>([
    ['abc%123', 'header value "abc%123" has an unterminated %VARIABLE% expression; write "%%" for a literal percent sign'],
    ['%START_TIME%%', 'header value "%START_TIME%%" ends with a lone "%"; write "%%" for a literal percent sign'],
    ['%A([x])%', 'header value "%A([x])%" expects a quoted string argument after "[" or ","'],
    ['%A(["x" y])%', 'header value "%A(["x" y])%" expects "," or "]" between arguments'],
    ['%A(["x"]x)%', 'header value "%A(["x"]x)%" expects ")" after the argument list'],
    ['%A(x) y%', 'header value "%A(x) y%" expects "%" to close the variable'],
    ['line\nbreak', 'header value "line\\nbreak" contains control characters'],
  ])('rejects %j', (value, problem) => {
    expect(headerValueProblem(value)).toBe(problem);
  });
});
