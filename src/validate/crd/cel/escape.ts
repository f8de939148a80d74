// How object properties appear to CEL: a property whose name is a CEL reserved word, or holds
// characters an identifier cannot, is exposed under the API server's escaped name
// (`namespace` → `__namespace__`, `a-b` → `a__dash__b`). Compiled per schema node; values are
// copied only where some property below needs a new name.
import type { SchemaNode } from '../schema.js';
import { isMapping } from '../../../lib/json.js';

const RESERVED = new Set([
  'true',
  'false',
  'null',
  'in',
  'as',
  'break',
  'const',
  'continue',
  'else',
  'for',
  'function',
  'if',
  'import',
  'let',
  'loop',
  'package',
  'namespace',
  'return',
  'var',
  'void',
  'while',
]);

/** The escaped name of a property, or undefined when CEL cannot see it at all. */
export function escapedName(name: string): string | undefined {
  if (RESERVED.has(name)) return `__${name}__`;
  if (!/^[A-Za-z_][-A-Za-z0-9_./]*$/.test(name)) return undefined;
  return name.replace(/__/g, '__underscores__').replace(/\./g, '__dot__').replace(/-/g, '__dash__').replace(/\//g, '__slash__');
}

export type ToCel = (value: unknown) => unknown;

const same: ToCel = (v) => v;

function objectConverter(node: SchemaNode): ToCel {
  const props = Object.entries(node.properties ?? {}).map(([k, s]) => ({ k, name: escapedName(k), convert: celConverter(s) }));
  const extra = typeof node.additionalProperties === 'object' ? celConverter(node.additionalProperties) : same;
  const renames = props.some((p) => p.name !== p.k);
  if (!renames && props.every((p) => p.convert === same) && extra === same) return same;
  const byKey = new Map(props.map((p) => [p.k, p]));
  // Copy-on-write: an object keeps its identity unless a key is renamed or a child changes.
  return (value) => {
    if (!isMapping(value)) return value;
    let out: Record<string, unknown> | undefined;
    const keys = Object.keys(value);
    keys.forEach((key, i) => {
      const p = byKey.get(key);
      const name = p ? p.name : key;
      const v = p ? p.convert(value[key]) : extra(value[key]);
      if (!out && name === key && v === value[key]) return;
      if (!out) out = Object.fromEntries(keys.slice(0, i).map((k) => [k, value[k]]));
      if (name !== undefined) out[name] = v;
    });
    return out ?? value;
  };
}

/** Compiles the conversion of a value at `node` into what CEL rules see. */
export function celConverter(node: SchemaNode): ToCel {
  if (node.items) {
    const item = celConverter(node.items);
    if (item === same) return same;
    return (v) => {
      if (!Array.isArray(v)) return v;
      const mapped = v.map(item);
      return mapped.every((x, i) => x === v[i]) ? v : mapped;
    };
  }
  if (node.properties || typeof node.additionalProperties === 'object') return objectConverter(node);
  return same;
}
