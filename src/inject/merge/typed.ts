// What an object looks like after Kubernetes' Go types have read and written it, which is what
// `istioctl kube-inject` prints for the kinds it decodes: unknown fields are gone, fields Go
// omits when empty (`initialDelaySeconds: 0`, `env: []`, `value: ""`) are gone, fields it
// always writes appear with their zero value (a DeploymentConfig's `test: false`), and resource
// quantities are canonical. Pointer fields keep their zeros (`runAsUser: 0`). The field table
// (k8s-types.ts) is generated from the Go types; `meshgate inject` applies this to its output.
import { isObject, type Json, type JsonObject } from '../../lib/json.js';
import { K8S_TYPES } from './k8s-types.js';
import { canonicalQuantity } from '../settings/syntax.js';

interface Field {
  /** Dropped when empty (encoding/json's omitempty): false, 0, "", null, [] or {}. */
  readonly omitEmpty: boolean;
  /** Dropped when zero (omitzero): for a struct, when every field is zero. */
  readonly omitZero: boolean;
  readonly code: string;
}

const SCALARS = new Set(['int', 'uint', 'float', 'bool', 'string']);
const ZERO: Readonly<Record<string, Json>> = { int: 0, uint: 0, float: 0, bool: false, string: '' };

function fieldOf(spec: string): Field {
  const colon = spec.indexOf(':');
  const flags = spec.slice(0, colon);
  return { omitEmpty: flags.includes('o'), omitZero: flags.includes('z'), code: spec.slice(colon + 1) };
}

const isEmpty = (v: Json | undefined): boolean =>
  v === undefined || v === null || v === false || v === 0 || v === '' || (Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0);

function encodeStruct(value: Json, type: string): Json {
  const fields = K8S_TYPES.types[type];
  if (!fields || !isObject(value)) return value;
  const out: JsonObject = {};
  for (const [name, raw] of Object.entries(value)) {
    // Own fields only: a Pod field named like an Object.prototype member (`constructor`) is unknown to Go, so dropped.
    const spec = Object.hasOwn(fields, name) ? fields[name] : undefined;
    if (spec === undefined) continue;
    const f = fieldOf(spec);
    const v = encode(raw, f.code);
    if (v === undefined || (f.omitEmpty && omittable(f.code, v)) || (f.omitZero && isEmpty(v))) continue;
    out[name] = v;
  }
  for (const [name, spec] of Object.entries(fields)) {
    const f = fieldOf(spec);
    if (!(name in out) && !(name in value) && !f.omitEmpty && !f.omitZero && SCALARS.has(f.code)) out[name] = ZERO[f.code] as Json;
  }
  return out;
}

const isStructCode = (code: string): boolean => code in K8S_TYPES.types;

/** omitempty: a pointer only when nil (its zero is kept), a struct never, others when empty. */
const omittable = (code: string, v: Json): boolean => (code.startsWith('*') ? v === null : !isStructCode(code) && isEmpty(v));

/** A value encoded as Go encodes the field type `code` (see k8s-types.ts); undefined means absent. */
function encode(value: Json | undefined, code: string): Json | undefined {
  if (value === undefined || value === null) return SCALARS.has(code) ? ZERO[code] : undefined;
  if (code.startsWith('*')) return encode(value, code.slice(1));
  if (code.startsWith('[]')) return Array.isArray(value) ? value.map((v) => encode(v, code.slice(2)) ?? null) : value;
  if (code.startsWith('{}')) return isObject(value) ? mapValues(value, code.slice(2)) : value;
  if (code === 'quantity') return typeof value === 'string' || typeof value === 'number' ? canonicalQuantity(String(value)) : value;
  return isStructCode(code) ? encodeStruct(value, code) : value;
}

function mapValues(value: JsonObject, code: string): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) out[k] = encode(v, code) ?? null;
  return out;
}

/** A value as Go encodes it when it is of the named type of the table (`core/v1.Container`). */
export function asGoType(value: JsonObject, type: string): JsonObject {
  const out = encodeStruct(value, type);
  return isObject(out) ? out : value;
}

/** The Go type kube-inject decodes an object into, from its apiVersion and kind. */
function rootType(obj: JsonObject): string | undefined {
  const key = `${String(obj['apiVersion'] ?? '')}/${String(obj['kind'] ?? '')}`;
  return Object.hasOwn(K8S_TYPES.roots, key) ? K8S_TYPES.roots[key] : undefined;
}

/**
 * The object as kube-inject prints it; objects of kinds it does not decode are returned as
 * they are, and so are the items of a List that it does not decode.
 */
export function typedRoundTrip(obj: JsonObject): JsonObject {
  const type = rootType(obj);
  if (type === undefined) return obj;
  const out = encodeStruct(obj, type) as JsonObject;
  if (Array.isArray(obj['items']) && obj['kind'] === 'List') out['items'] = obj['items'].map((item) => (isObject(item) ? typedRoundTrip(item) : item));
  return out;
}
