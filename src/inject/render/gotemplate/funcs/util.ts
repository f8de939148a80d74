// Helpers the template functions share: making typed values, Sprig's strval/empty/toInt64
// conversions, and reading lists and maps whatever their Go type.
import { CallError } from '../errors.js';
import { formatValue, plainSpec } from '../fmt.js';
import { stringMethodOf } from '../methods.js';
import { T, type GoType } from '../types.js';
import { concrete, dynamic, isNil, isValid, lengthOf, mapIndex, NIL, rawOf, sliceIndex, sortedKeys, Val } from '../value.js';

export type Impl = (args: Val[]) => Val;

export const bool = (b: boolean): Val => new Val(T.bool, b);
export const int = (n: number): Val => new Val(T.int, n);
export const int64 = (n: number): Val => new Val(T.int64, n);
export const float = (n: number): Val => new Val(T.float64, n);
export const anyList = (items: readonly Val[]): Val => new Val(T.anySlice, items.map(rawOf));
export const stringList = (items: readonly string[]): Val => new Val(T.stringSlice, [...items]);
export const stringMapVal = (m: Readonly<Record<string, string>> | null): Val => new Val(T.stringMap, m);

/** Sprig's strval: strings as they are, Stringers and errors by their text, others with %v. */
export function strval(v: Val): string {
  const c = concrete(v);
  if (c.t.kind === 'string') return c.v as string;
  if (c.t.kind === 'slice' && c.t.elem?.kind === 'uint8') return String.fromCharCode(...((c.v as number[] | null) ?? []));
  return stringMethodOf(c) ?? formatValue(c, 'v', plainSpec(), 0);
}

/** Sprig's empty: nil, false, 0, "" and empty collections; structs never. */
export function empty(v: Val): boolean {
  const c = concrete(v);
  if (c === NIL || !isValid(c)) return true;
  switch (c.t.kind) {
    case 'array':
    case 'slice':
    case 'map':
    case 'string':
      return (lengthOf(c) ?? 0) === 0;
    case 'bool':
      return c.v === false;
    case 'struct':
      return false;
  }
  if (c.t.isNumber) return c.v === 0;
  return isNil(c);
}

/** spf13/cast's lenient ToInt64 (what Sprig's arithmetic uses): bad input is 0. */
export function toInt64(v: Val): number {
  const c = concrete(v);
  if (c === NIL || !isValid(c)) return 0;
  if (c.t.isNumber) return Math.trunc(c.v as number);
  if (c.t.kind === 'bool') return c.v ? 1 : 0;
  if (c.t.kind === 'string') {
    const s = (c.v as string).trim().replace(/_/g, '');
    if (/^[+-]?(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO]?[0-7]+|[0-9]+)$/.test(s)) return Number(BigInt.asIntN(64, parseGoInt(s)));
    const f = Number(s);
    return Number.isFinite(f) && /^[+-]?[0-9.eE+-]+$/.test(s) ? Math.trunc(f) : 0;
  }
  return 0;
}

function parseGoInt(s: string): bigint {
  const neg = s.startsWith('-');
  const body = s.replace(/^[+-]/, '');
  const v = /^0[0-7]+$/.test(body) ? BigInt(`0o${body.slice(1)}`) : /^0[oO]/.test(body) ? BigInt(`0o${body.slice(2)}`) : BigInt(body);
  return neg ? -v : v;
}

/** spf13/cast's ToFloat64. */
export function toFloat64(v: Val): number {
  const c = concrete(v);
  if (c === NIL || !isValid(c)) return 0;
  if (c.t.isNumber) return c.v as number;
  if (c.t.kind === 'bool') return c.v ? 1 : 0;
  if (c.t.kind === 'string') {
    const f = Number((c.v as string).trim());
    return Number.isFinite(f) ? f : 0;
  }
  return 0;
}

/** The elements of a slice or array, or undefined when v is neither. */
export function listItems(v: Val): Val[] | undefined {
  const c = concrete(v);
  if (c.t.kind !== 'slice' && c.t.kind !== 'array') return undefined;
  const n = lengthOf(c) ?? 0;
  const out: Val[] = [];
  for (let i = 0; i < n; i++) out.push(concrete(sliceIndex(c, i)));
  return out;
}

export function mustList(v: Val, what: string): Val[] {
  const items = listItems(v);
  if (items === undefined) throw new CallError(`Cannot ${what} on type ${concrete(v) === NIL ? '<nil>' : concrete(v).t.name}`);
  return items;
}

/** A map's entries as [key, value] pairs in sorted key order. */
export function mapEntries(v: Val): [string, Val][] {
  const c = concrete(v);
  if (c.t.kind !== 'map') return [];
  return sortedKeys(c).map((k) => [k, concrete(mapIndex(c, k))]);
}

/** A fresh map[string]interface {} from values. */
export function anyMap(entries: Iterable<readonly [string, Val]>): Val {
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) out[k] = rawOf(v);
  return new Val(T.anyMap, out);
}

/** A JSON value (fromJson, fromJSON) as a template value. */
export function fromJSONValue(raw: unknown): Val {
  return dynamic(raw);
}

/** map[string]string argument's entries (nil is empty). */
export function stringMapOf(v: Val): Record<string, string> {
  return (concrete(v).v as Record<string, string> | null) ?? {};
}

export function typeName(v: Val): string {
  const c = concrete(v);
  return c === NIL || !isValid(c) ? '<nil>' : c.t.name;
}

export function isType(v: Val, t: GoType): boolean {
  return concrete(v).t === t;
}
