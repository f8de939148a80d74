// What the API server does to a custom resource while decoding it, compiled once per schema:
// unknown fields are pruned (and reported), nulls under non-nullable fields are dropped, and
// schema defaults are filled in, top-down, so that the schema and CEL layers and the semantic
// rules all see the object the API server would store. The input is never modified.
import type { SchemaNode } from './schema.js';
import { segmentsOf, type PathLink, type Segment } from './paths.js';
import { isMapping } from '../../lib/json.js';

/** Collects the paths of pruned unknown fields. */
export type UnknownSink = (segs: readonly Segment[]) => void;

/** Returns the decoded copy of `value` found at `segs`. */
export type Decoder = (value: unknown, at: PathLink, unknown: UnknownSink) => unknown;

const keep: Decoder = (value) => value;

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

/**
 * Copy-on-write: most objects need no change, and then the input itself is returned; the copy
 * is made only from the first key that is dropped, replaced or decoded differently. Keys are
 * handled in the order of `keys`, so the copy starts with the keys before that one.
 */
class Writer {
  private out: Record<string, unknown> | undefined;

  constructor(
    private readonly value: Record<string, unknown>,
    private readonly keys: readonly string[],
  ) {}

  /** Key number `i` of `keys` goes in unchanged. */
  keep(i: number): void {
    if (this.out) {
      const key = this.keys[i] as string;
      put(this.out, key, this.value[key]);
    }
  }

  write(i: number, v: unknown): void {
    const key = this.keys[i] as string;
    if (!this.out && v === this.value[key]) return;
    put(this.start(i), key, v);
  }

  /** Key number `i` is left out. */
  drop(i: number): void {
    this.start(i);
  }

  /** A default for a key the object lacks, after every key of the object. */
  add(key: string, v: unknown): void {
    put(this.start(this.keys.length), key, v);
  }

  private start(upTo: number): Record<string, unknown> {
    if (!this.out) {
      this.out = {};
      for (let j = 0; j < upTo; j++) {
        const k = this.keys[j] as string;
        put(this.out, k, this.value[k]);
      }
    }
    return this.out;
  }

  has(key: string): boolean {
    return this.out ? key in this.out : Object.hasOwn(this.value, key);
  }

  result(): Record<string, unknown> {
    return this.out ?? this.value;
  }
}

function objectDecoder(node: SchemaNode): Decoder {
  const props = new Map<string, Child>(Object.entries(node.properties ?? {}).map(([k, s]) => [k, child(s)]));
  const extra = typeof node.additionalProperties === 'object' ? child(node.additionalProperties) : undefined;
  const keepUnknown = node['x-kubernetes-preserve-unknown-fields'] === true || node.additionalProperties === true;
  const embedded = node['x-kubernetes-embedded-resource'] === true;
  const defaults = [...props].filter(([, c]) => c.hasDefault);
  return (value, path, unknown) => {
    if (!isMapping(value)) return value;
    const keys = Object.keys(value);
    const w = new Writer(value, keys);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      const v = value[key];
      const c = props.get(key) ?? extra;
      if (c === undefined) {
        if (keepUnknown || (embedded && (key === 'apiVersion' || key === 'kind' || key === 'metadata'))) w.keep(i);
        else {
          unknown([...segmentsOf(path), key]);
          w.drop(i);
        }
        continue;
      }
      if (v === null && c.dropNull) {
        w.drop(i);
        continue;
      }
      const filled = v === null && c.hasDefault && props.has(key) ? copyOf(c.default) : v;
      path.push(key);
      w.write(i, c.decode(filled, path, unknown));
      path.pop();
    }
    for (const [key, c] of defaults) {
      if (!w.has(key)) {
        path.push(key);
        w.add(key, c.decode(copyOf(c.default), path, unknown));
        path.pop();
      }
    }
    return w.result();
  };
}

function arrayDecoder(items: SchemaNode): Decoder {
  const decode = compileDecoder(items);
  return (value, path, unknown) => {
    if (!Array.isArray(value)) return value;
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      const d = decode(value[i], path, unknown);
      path.pop();
      if (out) out.push(d);
      else if (d !== value[i]) out = [...value.slice(0, i), d];
    }
    return out ?? value;
  };
}

/** Compiles the decode step (prune, drop nulls, default) for one schema node. */
export function compileDecoder(node: SchemaNode): Decoder {
  if (node.items !== undefined) return arrayDecoder(node.items);
  const isObject = node.type === 'object' || node.properties !== undefined || node.additionalProperties !== undefined;
  if (!isObject) return keep;
  if (node['x-kubernetes-preserve-unknown-fields'] === true && node.properties === undefined && node.additionalProperties === undefined) return keep;
  return objectDecoder(node);
}
