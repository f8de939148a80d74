// What the API server does to a custom resource while decoding it, compiled once per schema:
// unknown fields are pruned (and reported), nulls under non-nullable fields are dropped, and
// schema defaults are filled in, top-down, so that the schema and CEL layers and the semantic
// rules all see the object the API server would store. The input is never modified.
import type { SchemaNode } from './schema.js';
import { segmentsOf, step, type PathLink, type Segment } from './paths.js';

/** Collects the paths of pruned unknown fields. */
export type UnknownSink = (segs: readonly Segment[]) => void;

/** Returns the decoded copy of `value` found at `segs`. */
export type Decoder = (value: unknown, at: PathLink | undefined, unknown: UnknownSink) => unknown;

const keep: Decoder = (value) => value;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Sets an own property, also for the key `__proto__` (which JSON.parse makes an own key). */
function put(o: Record<string, unknown>, key: string, v: unknown): void {
  if (key === '__proto__') Object.defineProperty(o, key, { value: v, enumerable: true, writable: true, configurable: true });
  else o[key] = v;
}

/** JSON values are trees: a structured clone is a deep copy. */
function copyOf(v: unknown): unknown {
  return v === null || typeof v !== 'object' ? v : structuredClone(v);
}

interface Child {
  readonly decode: Decoder;
  /** `null` here is deleted (neither nullable nor defaulted). */
  readonly dropNull: boolean;
  readonly hasDefault: boolean;
  readonly default: unknown;
}

function child(node: SchemaNode): Child {
  const hasDefault = node.default !== undefined;
  return { decode: compileDecoder(node), dropNull: node.nullable !== true && !hasDefault, hasDefault, default: node.default };
}

function objectDecoder(node: SchemaNode): Decoder {
  const props = new Map<string, Child>(Object.entries(node.properties ?? {}).map(([k, s]) => [k, child(s)]));
  const extra = typeof node.additionalProperties === 'object' ? child(node.additionalProperties) : undefined;
  const keepUnknown = node['x-kubernetes-preserve-unknown-fields'] === true || node.additionalProperties === true;
  const embedded = node['x-kubernetes-embedded-resource'] === true;
  const defaults = [...props].filter(([, c]) => c.hasDefault);
  return (value, path, unknown) => {
    if (!isPlainObject(value)) return value;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const v = value[key];
      const c = props.get(key) ?? extra;
      if (c === undefined) {
        if (keepUnknown || (embedded && (key === 'apiVersion' || key === 'kind' || key === 'metadata'))) put(out, key, v);
        else unknown(segmentsOf(step(path, key)));
        continue;
      }
      if (v === null && c.dropNull) continue;
      const filled = v === null && c.hasDefault && props.has(key) ? copyOf(c.default) : v;
      put(out, key, c.decode(filled, step(path, key), unknown));
    }
    for (const [key, c] of defaults) {
      if (!(key in out)) out[key] = c.decode(copyOf(c.default), step(path, key), unknown);
    }
    return out;
  };
}

function arrayDecoder(items: SchemaNode): Decoder {
  const decode = compileDecoder(items);
  return (value, path, unknown) => (Array.isArray(value) ? value.map((v, i) => decode(v, step(path, i), unknown)) : value);
}

/** Compiles the decode step (prune, drop nulls, default) for one schema node. */
export function compileDecoder(node: SchemaNode): Decoder {
  if (node.items !== undefined) return arrayDecoder(node.items);
  const isObject = node.type === 'object' || node.properties !== undefined || node.additionalProperties !== undefined;
  if (!isObject) return keep;
  if (node['x-kubernetes-preserve-unknown-fields'] === true && node.properties === undefined && node.additionalProperties === undefined) return keep;
  return objectDecoder(node);
}
