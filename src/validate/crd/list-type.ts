// Uniqueness of `x-kubernetes-list-type: set` items and of `map` item keys, as the API server
// checks them after the schema: the second occurrence of a value is reported, once per value,
// and an item without a key field counts as having the empty key.
import { fieldError, segmentsOf, type FieldError, type PathLink } from './paths.js';
import type { SchemaNode } from './schema.js';
import { compileVisit, type NodeWork, type Visit } from './visit.js';

/** A canonical text for a JSON value: equal values, equal texts (object keys sorted). */
export function canonical(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || typeof v !== 'object') return String(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
    .join(',')}}`;
}

function duplicates(list: readonly unknown[], keyOf: (item: unknown) => string, describe: (item: unknown) => string, path: PathLink, out: FieldError[]): void {
  const seen = new Set<string>();
  const reported = new Set<string>();
  list.forEach((item, i) => {
    const k = keyOf(item);
    if (!seen.has(k)) return void seen.add(k);
    if (reported.has(k)) return;
    reported.add(k);
    out.push(fieldError([...segmentsOf(path), i], `duplicate entry ${describe(item)}; each entry of this list must be unique`, false));
  });
}

/** The key fields of a map-list item as text (an absent key field counts as absent, not as a value). */
function mapKey(keys: readonly string[]): (item: unknown) => string {
  return (item) => {
    const o = item !== null && typeof item === 'object' && !Array.isArray(item) ? (item as Record<string, unknown>) : {};
    let text = '';
    for (const k of keys) text += o[k] === undefined ? '\u0001' : `${canonical(o[k])}\u0000`;
    return text;
  };
}

/** What a map-list item's key looks like in a message: `{"name":"a"}`. */
function keyText(keys: readonly string[], item: unknown): string {
  const o = item !== null && typeof item === 'object' && !Array.isArray(item) ? (item as Record<string, unknown>) : {};
  return canonical(Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]])));
}

function listWork(node: SchemaNode): NodeWork<FieldError[]> | undefined {
  const type = node['x-kubernetes-list-type'];
  if (type === 'set') {
    return (value, _old, path, out) => {
      if (Array.isArray(value)) duplicates(value, canonical, (v) => canonical(v), path, out);
    };
  }
  const keys = node['x-kubernetes-list-map-keys'];
  if (type === 'map' && keys && keys.length > 0) {
    const key = mapKey(keys);
    return (value, _old, path, out) => {
      if (Array.isArray(value)) duplicates(value, key, (v) => `with ${keyText(keys, v)}`, path, out);
    };
  }
  return undefined;
}

/** Compiles the list-type uniqueness checks of a schema; undefined when it has none. */
export function compileListTypes(node: SchemaNode): Visit<FieldError[]> | undefined {
  return compileVisit(node, listWork);
}
