// Go's encoding/json Marshal of template values: struct fields in declaration order under their
// JSON names with omitempty, map keys sorted, nil slices and maps as null, []byte as base64,
// floats in Go's form, and strings escaped as Go does (HTML characters and U+2028/U+2029 as
// \u escapes unless asked not to). Kubernetes quantities, int-or-strings and times use their
// own JSON forms.
import { canonicalQuantity } from '../../settings/syntax.js';
import { CallError } from './errors.js';
import { utf8Bytes } from './strconv.js';
import { FLAG, type GoType } from './types.js';
import { concrete, fieldOf, fromRaw, isNil, isValid, mapIndex, sliceIndex, sortedKeys, type Val } from './value.js';

export interface JSONOptions {
  /** Escape <, > and & (json.Marshal does; an Encoder with SetEscapeHTML(false) does not). */
  readonly escapeHTML: boolean;
}

const HTML_SAFE: JSONOptions = { escapeHTML: true };

/** A JSON string literal as Go writes it. */
export function jsonString(s: string, escapeHTML = true): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i] as string;
    if (c >= 0x20 && c !== 0x22 && c !== 0x5c && c < 0x7f && !(escapeHTML && (ch === '<' || ch === '>' || ch === '&'))) {
      out += ch;
      continue;
    }
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (c < 0x20 || ch === '<' || ch === '>' || ch === '&') out += `\\u00${c.toString(16).padStart(2, '0')}`;
    else if (c === 0x2028 || c === 0x2029) out += `\\u${c.toString(16)}`;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) < 0xe000) {
      out += ch + (s[i + 1] as string);
      i++;
    } else if (c >= 0xd800 && c < 0xe000) out += '\\ufffd';
    else out += ch;
  }
  return `${out}"`;
}

/** A float64 as encoding/json writes it: plain decimal, exponent only for very small or large. */
export function jsonFloat(x: number): string {
  if (!Number.isFinite(x)) throw new CallError(`json: unsupported value: ${x}`);
  const abs = Math.abs(x);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) return x.toExponential();
  return Object.is(x, -0) ? '-0' : String(x);
}

function isEmptyForOmit(v: Val): boolean {
  const c = v;
  switch (c.t.kind) {
    case 'bool':
      return c.v === false;
    case 'string':
      return c.v === '';
    case 'slice':
    case 'map':
    case 'array':
      return c.v === null || c.v === undefined || Object.keys(c.v as object).length === 0;
    case 'ptr':
    case 'interface':
      return isNil(c);
  }
  if (c.t.isNumber) return c.v === 0;
  return false;
}

const base64 = (bytes: readonly number[]): string => Buffer.from(bytes).toString('base64');

function special(t: GoType, raw: unknown, o: JSONOptions): string | undefined {
  switch (t.name) {
    case 'resource.Quantity':
      return jsonString(raw === null || raw === undefined ? '0' : canonicalQuantity(String(raw)), o.escapeHTML);
    case 'intstr.IntOrString':
      return typeof raw === 'string' ? jsonString(raw, o.escapeHTML) : String(raw ?? 0);
    case 'v1.Time':
    case 'v1.MicroTime':
      return raw === null || raw === undefined || raw === '' ? 'null' : jsonString(String(raw), o.escapeHTML);
  }
  return undefined;
}

function structJSON(v: Val, o: JSONOptions): string {
  const parts: string[] = [];
  const fields = (t: GoType, s: Val): void => {
    for (const f of t.fields) {
      if (f.flags & FLAG.noJSON) continue;
      const fv = fieldOf(s, [f]);
      if (f.flags & FLAG.embedded && f.json === f.name && (f.type.kind === 'struct' || f.type.elem?.kind === 'struct')) {
        const inner = f.type.kind === 'ptr' ? (isNil(fv) ? undefined : concrete(fromRaw(f.type.elem as GoType, fv.v, true))) : fv;
        if (inner) fields(inner.t, inner);
        continue;
      }
      if (f.flags & FLAG.omitEmpty && isEmptyForOmit(fv)) continue;
      const name = t.proto ? (f.protoName ?? f.json) : f.json;
      parts.push(`${jsonString(name, o.escapeHTML)}:${marshal(fv, o)}`);
    }
  };
  fields(v.t, v);
  return `{${parts.join(',')}}`;
}

/** json.Marshal of a value; throws CallError for what Go cannot encode. */
export function marshal(v0: Val, o: JSONOptions = HTML_SAFE): string {
  const v = concrete(v0);
  if (!isValid(v) || (v.t.kind === 'interface' && isNil(v))) return 'null';
  const t = v.t;
  const sp = special(t, v.v, o);
  if (sp !== undefined) return sp;
  if (t.kind === 'bool') return v.v ? 'true' : 'false';
  if (t.isInt || t.isUint) return String(v.v);
  if (t.isFloat) return jsonFloat(v.v as number);
  if (t.kind === 'string') return jsonString(v.v as string, o.escapeHTML);
  switch (t.kind) {
    case 'ptr':
      return isNil(v) ? 'null' : marshal(fromRaw(t.elem as GoType, v.v, true), o);
    case 'slice':
    case 'array': {
      if (v.v === null || v.v === undefined) return t.kind === 'slice' ? 'null' : '[]';
      const items = v.v as unknown[];
      if (t.elem?.kind === 'uint8') return jsonString(base64(items as number[]), o.escapeHTML);
      return `[${items.map((_x, i) => marshal(sliceIndex(v, i), o)).join(',')}]`;
    }
    case 'map': {
      if (v.v === null || v.v === undefined) return 'null';
      return `{${sortedKeys(v)
        .map((k) => `${jsonString(k, o.escapeHTML)}:${marshal(mapIndex(v, k), o)}`)
        .join(',')}}`;
    }
    case 'struct':
      return structJSON(v, o);
  }
  throw new CallError(`json: unsupported type: ${t.name}`);
}

/** Sorts object keys by UTF-8 bytes, as Go's map encoding does. */
export function utf8Compare(a: string, b: string): number {
  const x = utf8Bytes(a);
  const y = utf8Bytes(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  return x.length - y.length;
}

/** json.MarshalIndent(v, "", "  ") as Sprig's toPrettyJson writes it. */
export function marshalIndent(v: Val, indent: string, o: JSONOptions = HTML_SAFE): string {
  return reindent(marshal(v, o), indent);
}

/** Re-indents compact JSON the way encoding/json's Indent does (empty {} and [] stay compact). */
export function reindent(compact: string, indent: string): string {
  let out = '';
  let depth = 0;
  let inString = false;
  for (let i = 0; i < compact.length; i++) {
    const c = compact[i] as string;
    if (inString) {
      out += c;
      if (c === '\\') out += compact[++i] ?? '';
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      if (compact[i + 1] === close) {
        out += c + close;
        i++;
      } else out += `${c}\n${indent.repeat(++depth)}`;
    } else if (c === '}' || c === ']') out += `\n${indent.repeat(--depth)}${c}`;
    else if (c === ',') out += `,\n${indent.repeat(depth)}`;
    else if (c === ':') out += ': ';
    else out += c;
  }
  return out;
}
