// RequestAuthentication (security.istio.io): which JWTs the selected workloads accept, where to
// find them in the request, and how to verify them (a JWKS URL or an inline key set).
import { checkDurations } from '../common/duration-fields.js';
import { at, type Collector } from '../issues.js';
import { checkPolicyAttachment } from '../common/policy-attachment.js';
import { asArray, asMapping, asString, type Mapping } from '../../lib/json.js';
import { istioKind } from '../common/istio-kind.js';
import { checkJwks } from './jwks.js';
import { parseRequestURI } from './urls.js';

/** Empty names are reported by min(1); the pattern only judges the characters. */

function rules(spec: Mapping, c: Collector): void {
  checkDurations('RequestAuthentication', spec, c);
  checkPolicyAttachment(spec, c, { targetRefs: true });
  asArray(spec['jwtRules']).forEach((r, i) => {
    const rule = asMapping(r);
    if (rule) checkJwtRule(rule, at('spec.jwtRules', i), c);
  });
}

function checkJwtRule(rule: Mapping, path: string, c: Collector): void {
  const uris = ['jwksUri', 'jwks_uri'].filter((f) => rule[f] !== undefined);
  const keySources = [...uris, ...(rule['jwks'] !== undefined ? ['jwks'] : [])];
  if (keySources.length > 1) {
    c.error(at(path, keySources[1] as string), `set only one of jwksUri and jwks; this rule sets ${keySources.join(' and ')}`);
  }
  if (!asString(rule['issuer']) && !uris.some((f) => asString(rule[f]))) {
    c.error(at(path, 'issuer'), 'set the issuer, or a jwksUri to fetch the keys from (the issuer is then not checked)');
  }
  for (const f of uris) checkJwksUri(rule[f], at(path, f), c);
  checkInlineJwks(rule['jwks'], at(path, 'jwks'), c);
}

function checkJwksUri(value: unknown, path: string, c: Collector): void {
  const uri = asString(value);
  if (!uri) return;
  const parsed = parseRequestURI(uri);
  // Istio parses the URL and checks the scheme (and a numeric port); it does not require a host.
  if (!parsed || (parsed.scheme !== 'http' && parsed.scheme !== 'https')) {
    c.error(path, `"${uri}" must be an http:// or https:// URL`);
  }
}

function checkInlineJwks(value: unknown, path: string, c: Collector): void {
  const jwks = asString(value);
  if (!jwks) return;
  const verdict = checkJwks(jwks);
  if (verdict.problem) c.error(path, `is not a usable JSON Web Key Set: ${verdict.problem}`);
  for (const i of verdict.privateKeys) {
    c.warn(`${path}: key ${i} contains private key material; only the public part is used, so remove it`);
  }
}

export const validateRequestAuthentication = istioKind({ rules });
