// JSON value helpers used everywhere: the typed JSON tree (Json, JsonObject) the injection core
// works on (the Pod as the API server sent it, never class instances), the one object check
// (isMapping, and isObject for a tree already known to be JSON) and readers for raw input.

export type Json = string | number | boolean | null | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

/** A JSON object whose values have not been looked at yet: what raw input is narrowed to first. */
export type Mapping = Record<string, unknown>;

/** The one object check: a non-null object that is not an array. */
export function isMapping(v: unknown): v is Mapping {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** isMapping, for a value that is part of a JSON tree (so its values are JSON too). */
export function isObject(v: unknown): v is JsonObject {
  return isMapping(v);
}

export function asMapping(v: unknown): Mapping | undefined {
  return isMapping(v) ? v : undefined;
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function asString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function asNumber(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** The own value of a key: never something inherited from Object.prototype (`constructor`…). */
export function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** Sets a key as an own property, even `__proto__` (which plain assignment would not). */
export function setOwn(o: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  else o[key] = value;
}

/**
 * `{ ...a, ...b, … }`, built key by key (own keys, even `__proto__`; later sources win). Use it
 * for a copy that gets more keys afterwards: in Node 20, adding a key to an object made by
 * spread syntax takes V8's slow path, about a microsecond per key.
 */
export function copyOf(...sources: readonly Readonly<Record<string, unknown>>[]): JsonObject {
  const out: JsonObject = {};
  for (const source of sources) for (const k of Object.keys(source)) setOwn(out, k, source[k]);
  return out;
}

/** A fresh copy of a JSON tree (faster than structuredClone for plain data). */
export function clone<T>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => clone(x)) as T;
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const k of Object.keys(v)) setOwn(out, k, clone(v[k] as Json));
  return out as T;
}

/** Structural equality of two JSON trees. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (!isObject(a) || !isObject(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (!(k in b) || !deepEqual(a[k], b[k])) return false;
  return true;
}

/** Go's `omitempty` notion of an empty value: null, "", 0, false, [] or {}. */
export function isEmptyValue(v: unknown): boolean {
  if (v === null || v === undefined || v === '' || v === 0 || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  return isObject(v) && Object.keys(v).length === 0;
}

/** Reads a nested string-keyed object, returning {} when absent or not an object. */
export function objectAt(v: unknown, ...path: string[]): JsonObject {
  let cur: unknown = v;
  for (const p of path) cur = isObject(cur) ? cur[p] : undefined;
  return isObject(cur) ? cur : {};
}

/** Reads a nested array, returning [] when absent or not an array. */
export function arrayAt(v: unknown, ...path: string[]): Json[] {
  let cur: unknown = v;
  for (const p of path) cur = isObject(cur) ? cur[p] : undefined;
  return Array.isArray(cur) ? (cur as Json[]) : [];
}

/** Reads a string map (labels, annotations), keeping only string values. */
export function stringMap(v: unknown): Record<string, string> {
  if (!isObject(v)) return {};
  const out: Record<string, string> = {};
  for (const k of Object.keys(v)) {
    const x = v[k];
    if (typeof x === 'string') setOwn(out, k, x);
    else if (typeof x === 'number' || typeof x === 'boolean') setOwn(out, k, String(x));
  }
  return out;
}

/** One entry of a string map (labels, annotations) as stringMap would give it, without copying the map. */
export function stringAt(map: unknown, key: string): string | undefined {
  if (!isObject(map) || !Object.hasOwn(map, key)) return undefined;
  const x = map[key];
  if (typeof x === 'string') return x;
  return typeof x === 'number' || typeof x === 'boolean' ? String(x) : undefined;
}

/** Go's fmt.Sprint for the scalar values that appear in Istio values files. */
export function sprint(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** Go's strconv.ParseBool. */
export function parseBool(v: string): boolean | undefined {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(v)) return false;
  return undefined;
}
