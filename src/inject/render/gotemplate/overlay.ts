// What a Go template's text becomes, as Istio reads it: YAML 1.1 (yes/on are booleans, 0777
// octal, no timestamps), the first document only, the last of duplicate keys winning; then the
// Pod overlay as Go would decode it into a corev1.Pod: unknown fields dropped, integral floats
// accepted as integers, a value of the wrong type an error. Strategic-merge directives
// (`$patch`…) and nulls (deletions) pass through for the merge.
import { parseAllDocuments, type Tags } from 'yaml';
import { CallError } from './errors.js';
import { parseFast, Unsupported } from './fastyaml.js';
import { FLAG, typeNamed, type GoType } from './types.js';
import { isMapping } from '../../../lib/json.js';

const YAML_OPTIONS = {
  version: '1.1',
  uniqueKeys: false,
  merge: true,
  logLevel: 'silent',
  customTags: (tags: Tags): Tags => tags.filter((t) => typeof t !== 'object' || (t.format !== 'TIME' && t.tag !== 'tag:yaml.org,2002:timestamp')),
} as const;

type Raw = Record<string, unknown>;

/** Parses a rendered template; throws CallError for text that is not a YAML mapping. */
export function parseRendered(text: string): Raw {
  let value: unknown;
  try {
    value = parseFast(text);
  } catch (e) {
    if (!(e instanceof Unsupported)) throw e;
    return parseFull(text);
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new CallError('the rendered template is not a YAML mapping (a Pod overlay)');
  return value as Raw;
}

/** The full YAML parser, for what the fast reader leaves to it. */
function parseFull(text: string): Raw {
  const docs = parseAllDocuments(text, YAML_OPTIONS);
  const first = Array.isArray(docs) ? docs[0] : docs;
  if (first === undefined) return {};
  const error = first.errors[0];
  if (error) throw new CallError(`the rendered template is not valid YAML: ${error.message.split('\n')[0] ?? ''}`);
  const value: unknown = first.toJS({ maxAliasCount: 100 });
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new CallError('the rendered template is not a YAML mapping (a Pod overlay)');
  return value as Raw;
}

const POD_FIELDS: Readonly<Record<string, string>> = { metadata: 'v1.ObjectMeta', spec: 'v1.PodSpec', apiVersion: 'string', kind: 'string' };

function mismatch(path: string, v: unknown, t: GoType): never {
  const what = Array.isArray(v) ? 'array' : typeof v === 'object' ? 'object' : typeof v;
  throw new CallError(`cannot decode ${what} into the Pod field ${path} of type ${t.name}`);
}

const SPECIAL_SCALARS = new Set(['resource.Quantity', 'intstr.IntOrString', 'v1.Time', 'v1.MicroTime']);

function scalarOK(v: unknown, t: GoType): boolean {
  if (t.name === 'resource.Quantity' || t.name === 'intstr.IntOrString') return typeof v === 'string' || typeof v === 'number';
  if (t.name === 'v1.Time' || t.name === 'v1.MicroTime') return typeof v === 'string';
  if (t.kind === 'string') return typeof v === 'string';
  if (t.kind === 'bool') return typeof v === 'boolean';
  if (t.isInt || t.isUint) return typeof v === 'number' && Number.isInteger(v);
  if (t.isFloat) return typeof v === 'number';
  return true;
}

/** Keeps what decodes into type t; drops unknown fields; throws on a type mismatch. */
function normalize(v: unknown, t: GoType, path: string): unknown {
  if (v === null) return null;
  if (t.kind === 'ptr') return normalize(v, t.elem as GoType, path);
  if (t.kind === 'interface') return v;
  if (SPECIAL_SCALARS.has(t.name) || (t.kind !== 'struct' && t.kind !== 'slice' && t.kind !== 'map' && t.kind !== 'array')) {
    if (!scalarOK(v, t)) mismatch(path, v, t);
    return v;
  }
  if (t.kind === 'slice' || t.kind === 'array') {
    if (t.elem?.kind === 'uint8' && typeof v === 'string') return v;
    if (!Array.isArray(v)) mismatch(path, v, t);
    return v.map((x, i) => (isMapping(x) && Object.keys(x).some((k) => k.startsWith('$')) && t.elem?.kind !== 'struct' ? x : normalize(x, t.elem as GoType, `${path}[${i}]`)));
  }
  if (!isMapping(v)) mismatch(path, v, t);
  if (t.kind === 'map') {
    const out: Raw = {};
    for (const [k, x] of Object.entries(v)) out[k] = k.startsWith('$') ? x : normalize(x, t.elem as GoType, `${path}.${k}`);
    return out;
  }
  return normalizeStruct(v, t, path);
}

/** Whether Go's encoding would leave the field out (omitempty and a zero value, pointers aside). */
function omitted(x: unknown, t: GoType): boolean {
  if (t.kind === 'ptr' || t.kind === 'struct' || t.kind === 'interface') return false;
  if (Array.isArray(x)) return x.length === 0;
  if (isMapping(x)) return t.kind === 'map' && Object.keys(x).length === 0;
  return x === 0 || x === '' || x === false;
}

function normalizeStruct(v: Raw, t: GoType, path: string): Raw {
  const out: Raw = {};
  const fields = jsonFields(t);
  for (const [k, x] of Object.entries(v)) {
    if (k.startsWith('$')) out[k] = x;
    else {
      const f = fields.get(k);
      if (f === undefined || (f.omitEmpty && omitted(x, f.type))) continue;
      out[k] = normalize(x, f.type, `${path}.${k}`);
    }
  }
  return out;
}

interface JSONField {
  readonly type: GoType;
  readonly omitEmpty: boolean;
}

const fieldCache = new WeakMap<GoType, Map<string, JSONField>>();

/** JSON name → type of every field a struct decodes, inline embedded structs included. */
function jsonFields(t: GoType): Map<string, JSONField> {
  let m = fieldCache.get(t);
  if (m) return m;
  m = new Map();
  for (const f of t.fields) {
    if (f.flags & FLAG.noJSON) continue;
    if (f.flags & FLAG.inline && f.type.kind === 'struct') for (const [k, ft] of jsonFields(f.type)) m.set(k, ft);
    else m.set(f.json, { type: f.type, omitEmpty: (f.flags & FLAG.omitEmpty) !== 0 });
  }
  fieldCache.set(t, m);
  return m;
}

/** The overlay as a corev1.Pod decode keeps it. */
export function podOverlay(raw: Raw): Raw {
  const out: Raw = {};
  for (const [k, v] of Object.entries(raw)) {
    const type = POD_FIELDS[k];
    if (k.startsWith('$')) out[k] = v;
    else if (type !== undefined) out[k] = normalize(v, typeNamed(type), k);
  }
  return out;
}
