// A walk over an object guided by its schema, compiled once: it descends only into the parts
// of the schema where some node has work to do (a list-type to check, a CEL rule to run), so
// the request path never looks at the schema itself.
import type { PathLink } from './paths.js';
import type { SchemaNode } from './schema.js';
import { isMapping } from '../../lib/json.js';

/** The old value at the same place, when the API server can correlate one (UPDATE only). */
export type Old = unknown;

export type NodeWork<C> = (value: unknown, old: Old, path: PathLink, ctx: C) => void;
export type Visit<C> = NodeWork<C>;

/** How list items correlate with the old list: only `map` lists, by their keys. */
export type ItemCorrelator = (item: unknown, oldList: unknown) => unknown;

function mapKeyOf(keys: readonly string[], item: unknown): string {
  const o = isMapping(item) ? item : {};
  return JSON.stringify(keys.map((k) => o[k] ?? null));
}

/** For a list-type map, the old item with the same keys; for any other list, nothing. */
export function correlator(node: SchemaNode): ItemCorrelator {
  const keys = node['x-kubernetes-list-map-keys'];
  if (node['x-kubernetes-list-type'] !== 'map' || !keys || keys.length === 0) return () => undefined;
  return (item, oldList) => {
    if (!Array.isArray(oldList)) return undefined;
    const k = mapKeyOf(keys, item);
    return oldList.find((o) => mapKeyOf(keys, o) === k);
  };
}

type Make<C> = (node: SchemaNode) => NodeWork<C> | undefined;

/** How a property is named in the walked value (CEL's escaped names); undefined: not reachable. */
export type KeyOf = (property: string) => string | undefined;

const sameKey: KeyOf = (k) => k;

function propertyVisits<C>(node: SchemaNode, make: Make<C>, keyOf: KeyOf): [string, string, Visit<C>][] {
  const out: [string, string, Visit<C>][] = [];
  for (const [k, s] of Object.entries(node.properties ?? {})) {
    const v = compileVisit(s, make, keyOf);
    const key = keyOf(k);
    if (v && key !== undefined) out.push([k, key, v]);
  }
  return out;
}

function objectVisit<C>(node: SchemaNode, make: Make<C>, keyOf: KeyOf): Visit<C> | undefined {
  const props = propertyVisits(node, make, keyOf);
  const extra = typeof node.additionalProperties === 'object' ? compileVisit(node.additionalProperties, make, keyOf) : undefined;
  if (props.length === 0 && !extra) return undefined;
  return (value, old, path, ctx) => {
    if (!isMapping(value)) return;
    const o = isMapping(old) ? old : undefined;
    for (const [name, key, visit] of props) {
      const v = value[key];
      if (v === undefined || v === null) continue;
      path.push(name);
      visit(v, o?.[key], path, ctx);
      path.pop();
    }
    if (!extra) return;
    for (const k of Object.keys(value)) {
      if (node.properties?.[k] !== undefined) continue;
      const v = value[k];
      if (v === undefined || v === null) continue;
      path.push(k);
      extra(v, o?.[k], path, ctx);
      path.pop();
    }
  };
}

function listVisit<C>(node: SchemaNode, items: SchemaNode, make: Make<C>, keyOf: KeyOf): Visit<C> | undefined {
  const visit = compileVisit(items, make, keyOf);
  if (!visit) return undefined;
  const correlate = correlator(node);
  return (value, old, path, ctx) => {
    if (!Array.isArray(value)) return;
    value.forEach((v, i) => {
      if (v === null || v === undefined) return;
      path.push(i);
      visit(v, correlate(v, old), path, ctx);
      path.pop();
    });
  };
}

/** Compiles a walk that runs `make(node)`'s work at every node that has some, parents first. */
export function compileVisit<C>(node: SchemaNode, make: Make<C>, keyOf: KeyOf = sameKey): Visit<C> | undefined {
  const own = make(node);
  const below = node.items ? listVisit(node, node.items, make, keyOf) : objectVisit(node, make, keyOf);
  if (!own) return below;
  if (!below) return own;
  return (value, old, path, ctx) => {
    own(value, old, path, ctx);
    below(value, old, path, ctx);
  };
}
