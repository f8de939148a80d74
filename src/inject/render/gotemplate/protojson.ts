// Protobuf JSON of a message value, as the legacy jsonpb Marshaler writes it (what Istio's
// protoToJSON uses): compact, lowerCamelCase names in declaration order, unset and zero
// fields left out, wrappers kept when set, enums by name, 64-bit integers as strings,
// durations as "1.500s", map keys sorted. For a ProxyConfig, fields equal to Istio's defaults
// are cleared first.
import { PROXY_CONFIG_DEFAULTS } from '../../settings/defaults.js';
import { deepEqual } from '../../../lib/json.js';
import { jsonFloat, jsonString } from './gojson.js';
import { enumName } from './methods.js';
import type { GoType } from './types.js';
import { durationParts, elem, fieldOf, isNil, lengthOf, mapIndex, sliceIndex, sortedKeys, Val } from './value.js';

const WRAPPERS = new Set([
  'wrapperspb.BoolValue',
  'wrapperspb.Int32Value',
  'wrapperspb.UInt32Value',
  'wrapperspb.Int64Value',
  'wrapperspb.UInt64Value',
  'wrapperspb.DoubleValue',
  'wrapperspb.FloatValue',
  'wrapperspb.StringValue',
]);

function duration(raw: unknown): string {
  const [s, n] = durationParts(raw);
  if (n === 0) return `"${s}s"`;
  const frac = String(Math.abs(n)).padStart(9, '0');
  const digits = frac.endsWith('000000') ? frac.slice(0, 3) : frac.endsWith('000') ? frac.slice(0, 6) : frac;
  return `"${s === 0 && n < 0 ? '-' : ''}${s}.${digits}s"`;
}

function scalar(v: Val): string {
  const t = v.t;
  if (t.enumNames) return jsonString(enumName(v));
  if (t.kind === 'string') return jsonString(v.v as string);
  if (t.kind === 'bool') return v.v ? 'true' : 'false';
  if (t.kind === 'int64' || t.kind === 'uint64') return `"${v.v as number}"`;
  if (t.isFloat) return jsonFloat(v.v as number);
  return String(v.v);
}

function isZero(v: Val): boolean {
  switch (v.t.kind) {
    case 'ptr':
    case 'interface':
      return isNil(v);
    case 'slice':
    case 'map':
      return (lengthOf(v) ?? 0) === 0;
    case 'string':
      return v.v === '';
    case 'bool':
      return v.v === false;
  }
  return v.t.isNumber ? v.v === 0 : false;
}

function value(v: Val): string {
  const t = v.t;
  if (t.kind === 'ptr') {
    const e = t.elem as GoType;
    if (WRAPPERS.has(e.name)) return scalar(fieldOf(elem(v), e.fields.slice(0, 1)));
    if (e.name === 'durationpb.Duration') return duration(v.v);
    if (e.name.startsWith('structpb.')) return JSON.stringify(v.v);
    return message(elem(v));
  }
  if (t.kind === 'slice') {
    const n = lengthOf(v) ?? 0;
    const items: string[] = [];
    for (let i = 0; i < n; i++) items.push(value(sliceIndex(v, i)));
    return `[${items.join(',')}]`;
  }
  if (t.kind === 'map')
    return `{${sortedKeys(v)
      .map((k) => `${jsonString(k)}:${value(mapIndex(v, k))}`)
      .join(',')}}`;
  if (t.kind === 'interface') return isNil(v) ? 'null' : value(v.v as Val);
  return scalar(v);
}

/** A message value (the struct, not the pointer) as protobuf JSON. */
export function message(s: Val): string {
  const parts: string[] = [];
  for (const f of s.t.fields) {
    if (f.oneof) {
      const raw = s.v as Record<string, unknown> | null;
      const choice = f.oneof.find((c) => raw?.[c.j] !== undefined && raw[c.j] !== null);
      if (choice) parts.push(`${jsonString(choice.j)}:${JSON.stringify(raw?.[choice.j])}`);
      continue;
    }
    const fv = fieldOf(s, [f]);
    if (isZero(fv)) continue;
    parts.push(`${jsonString(f.json)}:${value(fv)}`);
  }
  return `{${parts.join(',')}}`;
}

/** Istio's protoToJSON: a ProxyConfig loses its default-valued fields first; errors give "{}". */
export function protoToJSON(v: Val): string {
  if (v.t.kind === 'ptr' && isNil(v)) return '{}';
  const s = v.t.kind === 'ptr' ? elem(v) : v;
  if (s.t.name !== 'v1alpha1.ProxyConfig') return message(s);
  const raw = { ...((s.v as Record<string, unknown> | null) ?? {}) };
  for (const [k, d] of Object.entries(PROXY_CONFIG_DEFAULTS)) {
    if (d !== undefined && raw[k] !== undefined && (deepEqual(raw[k], d) || durationEqual(raw[k], d))) delete raw[k];
  }
  return message(new Val(s.t, raw, s.addr));
}

function durationEqual(a: unknown, b: unknown): boolean {
  return typeof b === 'string' && b.endsWith('s') && typeof a === 'string' && durationParts(a).join() === durationParts(b).join();
}
