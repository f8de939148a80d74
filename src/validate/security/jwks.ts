// Inline JSON Web Key Sets (RequestAuthentication `jwtRules[].jwks`): the text must be a JWK
// set or a single JWK whose keys carry the members their type needs (RFC 7517/7518/8037).
import { asArray, asMapping, asString, type Mapping } from '../../lib/json.js';

/** Members each key type cannot do without. */
const REQUIRED_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  RSA: ['n', 'e'],
  EC: ['crv', 'x', 'y'],
  OKP: ['crv', 'x'],
  oct: ['k'],
};

export interface JwksVerdict {
  readonly problem?: string;
  /** Indexes of keys that carry private key material. */
  readonly privateKeys: number[];
}

export function checkJwks(text: string): JwksVerdict {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return { problem: `is not valid JSON (${(e as Error).message})`, privateKeys: [] };
  }
  const doc = asMapping(parsed);
  if (!doc) return { problem: 'must be a JSON object: a key set {"keys": [...]} or a single key', privateKeys: [] };
  const keys = 'keys' in doc ? doc['keys'] : [doc];
  if (!Array.isArray(keys)) return { problem: '"keys" must be a list of keys', privateKeys: [] };
  const privateKeys: number[] = [];
  for (const [i, k] of keys.entries()) {
    const key = asMapping(k);
    const why = key ? keyProblem(key) : 'is not a JSON object';
    if (why) return { problem: `key ${i} ${why}`, privateKeys };
    if (key && 'd' in key) privateKeys.push(i);
  }
  return { privateKeys };
}

function keyProblem(key: Mapping): string | undefined {
  const kty = asString(key['kty']);
  if (kty === undefined) return 'has no "kty" (key type)';
  const required = REQUIRED_MEMBERS[kty];
  if (!required) return `has an unsupported key type "${kty}" (RSA, EC, OKP or oct)`;
  const missing = required.filter((m) => asString(key[m]) === undefined);
  if (missing.length > 0) return `of type ${kty} lacks ${missing.map((m) => `"${m}"`).join(', ')}`;
  if (key['x5c'] !== undefined && asArray(key['x5c']).length === 0) return 'has an empty "x5c" certificate chain';
  return undefined;
}
