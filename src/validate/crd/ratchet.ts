// Ratcheting on UPDATE: a schema error is dropped when the nearest node containing it that
// can be matched with the old object (object properties and map values by name, items of
// list-type map lists by their keys; any other list only as a whole) is unchanged.
import { canonical } from './list-type.js';
import type { FieldError, Segment } from './paths.js';
import type { SchemaNode } from './schema.js';
import { correlator, type ItemCorrelator } from './visit.js';

export interface Navigator {
  child(key: Segment): Navigator | undefined;
  /** Defined for list-type map lists. */
  readonly correlate: ItemCorrelator | undefined;
  readonly isList: boolean;
}

/** Compiles the schema's shape for ratcheting; children compile on first use. */
export function compileNavigator(node: SchemaNode): Navigator {
  const cache = new Map<string, Navigator | undefined>();
  const isMapList = node['x-kubernetes-list-type'] === 'map';
  return {
    isList: node.items !== undefined,
    correlate: isMapList ? correlator(node) : undefined,
    child(key) {
      const k = typeof key === 'number' ? '[]' : key;
      if (!cache.has(k)) cache.set(k, childSchema(node, key));
      return cache.get(k);
    },
  };

  function childSchema(n: SchemaNode, key: Segment): Navigator | undefined {
    if (typeof key === 'number') return n.items ? compileNavigator(n.items) : undefined;
    const s = n.properties?.[key] ?? (typeof n.additionalProperties === 'object' ? n.additionalProperties : undefined);
    return s ? compileNavigator(s) : undefined;
  }
}

function at(v: unknown, key: Segment): unknown {
  if (v === null || typeof v !== 'object') return undefined;
  return (v as Record<string | number, unknown>)[key];
}

/** Whether `error` is ratcheted away: its nearest correlatable node equals the old one. */
function unchanged(segs: readonly Segment[], nav: Navigator, root: unknown, oldRoot: unknown): boolean {
  let value = root;
  let old = oldRoot;
  let n: Navigator | undefined = nav;
  for (const key of segs) {
    if (n === undefined) break;
    if (typeof key === 'number') {
      if (!n.correlate) break;
      const item = at(value, key);
      old = n.correlate(item, old);
      value = item;
    } else {
      value = at(value, key);
      old = at(old, key);
    }
    if (old === undefined) return false;
    n = n.child(key);
  }
  return canonical(value) === canonical(old);
}

/** Keeps the errors an UPDATE still has to answer for. */
export function ratchet(errors: readonly FieldError[], nav: Navigator, root: unknown, oldRoot: unknown): FieldError[] {
  return errors.filter((e) => e.ratchet !== 'schema' || !unchanged(requiredParent(e), nav, root, oldRoot));
}

/** A missing required field belongs to the object that lacks it. */
function requiredParent(e: FieldError): readonly Segment[] {
  return e.message === 'required field is missing' ? e.segs.slice(0, -1) : e.segs;
}
