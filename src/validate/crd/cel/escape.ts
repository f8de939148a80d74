// How object properties appear to CEL: a property whose name is a CEL reserved word, or holds
// characters an identifier cannot, is exposed under the API server's escaped name
// (`namespace` → `__namespace__`, `a-b` → `a__dash__b`). Compiled per schema node; values are
// copied only where some property below needs a new name.
import type { SchemaNode } from '../schema.js';

const RESERVED = new Set(['true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while']);

/** The escaped name of a property, or undefined when CEL cannot see it at all. */
export function escapedName(name: string): string | undefined {
  if (RESERVED.has(name)) return `__${name}__`;
  if (!/^[A-Za-z_][-A-Za-z0-9_./]*$/.test(name)) return undefined;
  return name.replace(/__/g, '__underscores__').replace(/\./g, '__dot__').replace(/-/g, '__dash__').replace(/\//g, '__slash__');
}

export type ToCel = (value: unknown) => unknown;

const same: ToCel = (v) => v;

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function objectConverter(node: SchemaNode): ToCel {
  const props = Object.entries(node.properties ?? {}).map(([k, s]) => ({ k, name: escapedName(k), convert: celConverter(s) }));
  const extra = typeof node.additionalProperties === 'object' ? celConverter(node.additionalProperties) : same;
  const renames = props.some((p) => p.name !== p.k);
  if (!renames && props.every((p) => p.convert === same) && extra === same) return same;
  const byKey = new Map(props.map((p) => [p.k, p]));
  return (value) => {
    if (!isObject(value)) return value;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const p = byKey.get(key);
      if (!p) out[key] = extra(value[key]);
      else if (p.name !== undefined) out[p.name] = p.convert(value[key]);
    }
    return out;
  };
}

/** Compiles the conversion of a value at `node` into what CEL rules see. */
export function celConverter(node: SchemaNode): ToCel {
  if (node.items) {
    const item = celConverter(node.items);
    return item === same ? same : (v) => (Array.isArray(v) ? v.map(item) : v);
  }
  if (node.properties || typeof node.additionalProperties === 'object') return objectConverter(node);
  return same;
}
