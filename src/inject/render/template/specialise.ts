// A compiled fast path for template expressions. CEL stays the language and the reference: an
// expression's CEL syntax tree is turned, once at load, into plain closures for the forms the
// templates use on every request (variables, field access, `.?f`/`[?k]` with `orValue`, `in`
// on maps, `==`/`!=` on strings and booleans, `!`, `&&`, `||`, `?:`, string `+`, `has`, `size`,
// `int`, `str`, `default`, `join`), with every subexpression that reads only configuration
// evaluated by CEL at load. Any other subexpression is evaluated by cel-js on its own.
//
// The closures handle only values whose CEL meaning is unambiguous (strings, booleans, plain
// maps with the key present, …). Whenever a value falls outside that, or CEL would raise an
// error, they return DEFER and the caller evaluates the whole expression with cel-js, so the
// result, or the error, is always exactly CEL's. An evaluation costs tens of nanoseconds
// instead of about a microsecond.
import { isEmptyValue, sprint } from '../../../lib/json.js';

/** Returned by a fast closure when only cel-js can say what the expression gives. */
export const DEFER: unique symbol = Symbol('defer');

type Scope = Readonly<Record<string, unknown>>;
export type Fast = (scope: Scope) => unknown;

/** A node of cel-js's syntax tree (8.x): `op`, operands in `args`, source offsets. */
interface Node {
  readonly op: string;
  readonly args: unknown;
  readonly start: number;
  readonly end: number;
}

export interface Folding {
  /** The expression's source text (node offsets point into it). */
  readonly source: string;
  /** Whether a subexpression reads only variables known at load time. */
  isStatic(node: unknown): boolean;
  /** CEL's value of a subexpression, in the static scope or in a request's; throws CEL's errors. */
  compile(source: string): (scope: Scope) => unknown;
  readonly staticScope: Scope;
}

const hasOwn = (o: object, k: string): boolean => Object.hasOwn(o, k);

/**
 * A CEL map as cel-js sees a JS object: by its `constructor` (read like cel-js does, so an own
 * `constructor` key makes it something else, and cel-js decides).
 */
function isMap(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const c = (v as { constructor?: unknown }).constructor;
  return c === Object || c === undefined;
}

/** A value cel-js accepts from a variable or a map field without conversion or error. */
function isValue(v: unknown): boolean {
  switch (typeof v) {
    case 'string':
    case 'boolean':
    case 'number':
    case 'bigint':
      return true;
    case 'object':
      return v === null || isMap(v) || (v as { constructor?: unknown }).constructor === Array;
    default:
      return false;
  }
}

const checked = (v: unknown): unknown => (isValue(v) ? v : DEFER);

/**
 * What cel-js accepts as an operand of an operator or function: it checks the type of a list's
 * first item and of a map's first entry, recursively (debugTypeDeep), so those must be values too.
 */
function isOperand(v: unknown): boolean {
  for (let cur = v; ; ) {
    if (!isValue(cur)) return false;
    if (Array.isArray(cur)) {
      if (cur[0] === undefined) return true;
      cur = cur[0];
    } else if (isMap(cur)) {
      const first = firstKey(cur);
      if (first === undefined) return true;
      cur = cur[first];
    } else return true;
  }
}

function firstKey(m: Record<string, unknown>): string | undefined {
  for (const k in m) return k;
  return undefined;
}

/** The value of map field `key`, or DEFER when `o` is not a map or lacks the key (CEL: no_such_key). */
function field(o: unknown, key: unknown): unknown {
  if (!isMap(o) || typeof key !== 'string' || !hasOwn(o, key)) return DEFER;
  return checked(o[key]);
}

/** Thrown while building when a node cannot be specialised, not even by a cel-js sub-evaluation. */
class Unsupported extends Error {}

const asNode = (v: unknown): Node => {
  if (typeof v !== 'object' || v === null || typeof (v as Node).op !== 'string') throw new Unsupported();
  return v as Node;
};

const pair = (n: Node): [Node, unknown] => {
  const [a, b] = n.args as [unknown, unknown];
  return [asNode(a), b];
};

/** Builds the fast closure of an expression, or undefined when the whole of it would go to cel-js. */
export function specialise(ast: unknown, folding: Folding): Fast | undefined {
  try {
    const root = asNode(ast);
    const built = new Builder(folding).build(root);
    return built.generic ? undefined : built.fn;
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
}

interface Built {
  readonly fn: Fast;
  /** Evaluated by cel-js as a whole: no gain at the top level. */
  readonly generic: boolean;
}

const fast = (fn: Fast): Built => ({ fn, generic: false });

class Builder {
  constructor(private readonly f: Folding) {}

  build(n: Node): Built {
    const folded = this.fold(n);
    if (folded) return folded;
    switch (n.op) {
      case 'value': {
        const v = n.args;
        return fast(() => v);
      }
      case 'id': {
        const name = n.args as string;
        return fast((s) => checked(s[name]));
      }
      case '.': {
        const [objNode, key] = pair(n);
        const obj = this.fn(objNode);
        return fast((s) => field(obj(s), key));
      }
      case '[]': {
        const [objNode, keyNode] = pair(n);
        const obj = this.fn(objNode);
        const key = this.fn(asNode(keyNode));
        return fast((s) => field(obj(s), key(s)));
      }
      case 'in': {
        const [elemNode, mapNode] = pair(n);
        const elem = this.fn(elemNode);
        const map = this.fn(asNode(mapNode));
        return fast((s) => {
          const k = elem(s);
          const m = map(s);
          return typeof k === 'string' && isMap(m) && isOperand(m) ? hasOwn(m, k) : DEFER;
        });
      }
      case '==':
      case '!=':
        return this.equality(n);
      case '!_': {
        const operand = this.fn(asNode(n.args));
        return fast((s) => {
          const v = operand(s);
          return typeof v === 'boolean' ? !v : DEFER;
        });
      }
      case '&&':
      case '||':
        return this.logical(n);
      case '?:': {
        const [c, t, e] = (n.args as unknown[]).map((x) => this.fn(asNode(x))) as [Fast, Fast, Fast];
        return fast((s) => {
          const v = c(s);
          return v === true ? t(s) : v === false ? e(s) : DEFER;
        });
      }
      case '+': {
        const [l, r] = (n.args as unknown[]).map((x) => this.fn(asNode(x))) as [Fast, Fast];
        return fast((s) => {
          const a = l(s);
          const b = r(s);
          return typeof a === 'string' && typeof b === 'string' ? a + b : DEFER;
        });
      }
      case 'call':
        return this.call(n) ?? this.generic(n);
      case 'rcall':
        return this.receiverCall(n) ?? this.generic(n);
      default:
        return this.generic(n);
    }
  }

  private fn(n: Node): Fast {
    return this.build(n).fn;
  }

  /** A configuration-only subexpression becomes its value; one that fails at load is left to requests. */
  private fold(n: Node): Built | undefined {
    if (n.op === 'value' || !this.f.isStatic(n)) return undefined;
    try {
      const v = this.f.compile(this.source(n))(this.f.staticScope);
      return fast(() => v);
    } catch {
      return undefined;
    }
  }

  private source(n: Node): string {
    if (typeof n.start !== 'number' || typeof n.end !== 'number') throw new Unsupported();
    return this.f.source.slice(n.start, n.end);
  }

  /** A subexpression the fast path does not model: cel-js evaluates it (its errors defer the whole). */
  private generic(n: Node): Built {
    let cel: (scope: Scope) => unknown;
    try {
      cel = this.f.compile(this.source(n));
    } catch {
      throw new Unsupported();
    }
    return {
      generic: true,
      fn: (s) => {
        try {
          return cel(s);
        } catch {
          return DEFER;
        }
      },
    };
  }

  private equality(n: Node): Built {
    const [l, r] = (n.args as unknown[]).map((x) => this.fn(asNode(x))) as [Fast, Fast];
    const negate = n.op === '!=';
    return fast((s) => {
      const a = l(s);
      const b = r(s);
      const comparable = (typeof a === 'string' && typeof b === 'string') || (typeof a === 'boolean' && typeof b === 'boolean');
      return comparable ? (a === b) !== negate : DEFER;
    });
  }

  /** `&&` and `||` on booleans, short-circuiting like CEL; anything else defers. */
  private logical(n: Node): Built {
    const [l, r] = (n.args as unknown[]).map((x) => this.fn(asNode(x))) as [Fast, Fast];
    const decisive = n.op === '||';
    return fast((s) => {
      const a = l(s);
      if (a === decisive) return a;
      if (typeof a !== 'boolean') return DEFER;
      const b = r(s);
      return typeof b === 'boolean' ? b : DEFER;
    });
  }

  private call(n: Node): Built | undefined {
    const [name, argNodes] = n.args as [string, unknown[]];
    if (!Array.isArray(argNodes)) return undefined;
    if (name === 'has' && argNodes.length === 1) return this.has(asNode(argNodes[0]));
    const args = argNodes.map((x) => this.fn(asNode(x)));
    const [a, b] = args as [Fast, Fast | undefined];
    switch (`${name}/${args.length}`) {
      case 'default/2':
        // The registered function (cel.ts), on values cel-js would pass to it unchanged.
        return fast((s) => {
          const v = a(s);
          const fallback = (b as Fast)(s);
          return isOperand(v) && isOperand(fallback) ? (isEmptyValue(v) ? fallback : v) : DEFER;
        });
      case 'str/1':
        return fast((s) => {
          const v = a(s);
          return isValue(v) && (typeof v !== 'object' || v === null) ? sprint(v) : DEFER;
        });
      case 'int/1':
        return fast((s) => intOf(a(s)));
      case 'size/1':
        return fast((s) => {
          const v = a(s);
          if (!isOperand(v)) return DEFER;
          if (Array.isArray(v)) return BigInt(v.length);
          return isMap(v) ? BigInt(Object.keys(v).length) : DEFER;
        });
      default:
        return undefined;
    }
  }

  /** `has(x.f)`: whether map x has key f; x itself must exist (else CEL's error). */
  private has(arg: Node): Built | undefined {
    if (arg.op !== '.') return undefined;
    const [objNode, key] = pair(arg);
    const obj = this.fn(objNode);
    return fast((s) => {
      const o = obj(s);
      if (!isMap(o) || typeof key !== 'string') return DEFER;
      if (!hasOwn(o, key) || o[key] === undefined) return false;
      return isValue(o[key]) ? true : DEFER;
    });
  }

  private receiverCall(n: Node): Built | undefined {
    const [name, receiverNode, argNodes] = n.args as [string, unknown, unknown[]];
    if (!Array.isArray(argNodes) || argNodes.length !== 1) return undefined;
    const receiver = asNode(receiverNode);
    if (name === 'orValue' && (receiver.op === '.?' || receiver.op === '[?]')) return this.orValue(receiver, asNode(argNodes[0]));
    if (name === 'join') {
      const list = this.fn(receiver);
      const sep = this.fn(asNode(argNodes[0]));
      return fast((s) => {
        const items = list(s);
        const by = sep(s);
        return Array.isArray(items) && typeof by === 'string' && items.every((x) => typeof x === 'string') ? items.join(by) : DEFER;
      });
    }
    return undefined;
  }

  /** `m.?k.orValue(d)` / `m[?k].orValue(d)` on a map: the value when the key is there, else d (lazily). */
  private orValue(optional: Node, fallbackNode: Node): Built {
    const [objNode, keyArg] = pair(optional);
    const obj = this.fn(objNode);
    const key: Fast = optional.op === '.?' ? () => keyArg : this.fn(asNode(keyArg));
    const fallback = this.fn(fallbackNode);
    return fast((s) => {
      const o = obj(s);
      const k = key(s);
      if (!isMap(o) || typeof k !== 'string') return DEFER;
      const v = hasOwn(o, k) ? o[k] : undefined;
      return v === undefined ? fallback(s) : checked(v);
    });
  }
}

/** CEL's int() of a canonical decimal string (or of an int); anything else defers. */
function intOf(v: unknown): unknown {
  if (typeof v === 'bigint') return v;
  return typeof v === 'string' && /^-?(0|[1-9][0-9]{0,17})$/.test(v) ? BigInt(v) : DEFER;
}
