// Go's template builtins: and, or, not, len, index, slice, the comparisons (eq with several
// operands, signed and unsigned integers comparable, other kind mixes an error), print,
// printf, println, html, js, urlquery and call. They take reflect.Values: a missing value
// arrives as INVALID.
import { CallError } from './errors.js';
import { sprint, sprintf, sprintln } from './fmt.js';
import { REFLECT, type Func } from './state.js';
import { fromUtf8, isPrint, utf8Bytes } from './strconv.js';
import { T, type GoType } from './types.js';
import { concrete, fromRaw, indirect, indirectInterface, isNil, isValid, lengthOf, mapIndex, sliceIndex, truth, Val, zero, stringVal } from './value.js';

type Basic = 'bool' | 'int' | 'uint' | 'float' | 'string' | 'complex' | 'invalid';

function basicKind(v: Val): Basic {
  const t = v.t;
  if (!isValid(v)) return 'invalid';
  if (t.kind === 'bool') return 'bool';
  if (t.isInt) return 'int';
  if (t.isUint) return 'uint';
  if (t.isFloat) return 'float';
  if (t.kind === 'string') return 'string';
  if (t.kind === 'complex64' || t.kind === 'complex128') return 'complex';
  return 'invalid';
}

function eqOne(a: Val, b: Val, ka: Basic): boolean {
  const kb = basicKind(b);
  if (ka !== kb) {
    if ((ka === 'int' && kb === 'uint') || (ka === 'uint' && kb === 'int')) return a.v === b.v;
    if (isValid(a) && isValid(b) && (ka !== 'invalid' || kb !== 'invalid')) throw new CallError(`incompatible types for comparison: ${a.t.name} and ${b.t.name}`);
    if (ka !== 'invalid' || kb !== 'invalid') return false;
  }
  if (ka !== 'invalid') return a.v === b.v;
  const nilA = !isValid(a) || isNil(a);
  const nilB = !isValid(b) || isNil(b);
  if (isValid(a) && isValid(b) && a.t.kind !== b.t.kind) throw new CallError(`non-comparable types ${a.t.name} and ${b.t.name}`);
  if (nilA || nilB) return nilA === nilB;
  if (['map', 'slice', 'func'].includes(b.t.kind)) throw new CallError(`non-comparable type ${b.t.name}`);
  return a.v === b.v || JSON.stringify(a.v) === JSON.stringify(b.v);
}

function eq(args: readonly Val[]): boolean {
  const a = indirectInterface(args[0] as Val);
  if (args.length < 2) throw new CallError('missing argument for comparison');
  const ka = basicKind(a);
  for (const x of args.slice(1)) if (eqOne(a, indirectInterface(x), ka)) return true;
  return false;
}

function lt(x: Val, y: Val): boolean {
  const a = indirectInterface(x);
  const b = indirectInterface(y);
  const ka = basicKind(a);
  const kb = basicKind(b);
  if (ka === 'invalid' || kb === 'invalid') throw new CallError('invalid type for comparison');
  if (ka !== kb) {
    if ((ka === 'int' && kb === 'uint') || (ka === 'uint' && kb === 'int')) return (a.v as number) < (b.v as number);
    throw new CallError(`incompatible types for comparison: ${a.t.name} and ${b.t.name}`);
  }
  if (ka === 'bool' || ka === 'complex') throw new CallError('invalid type for comparison');
  if (ka === 'string') return compareStrings(a.v as string, b.v as string) < 0;
  return (a.v as number) < (b.v as number);
}

function compareStrings(a: string, b: string): number {
  const x = utf8Bytes(a);
  const y = utf8Bytes(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  return x.length - y.length;
}

function indexArg(v: Val, cap: number): number {
  const x = indirectInterface(v);
  if (!isValid(x)) throw new CallError('cannot index slice/array with nil');
  if (!x.t.isInt && !x.t.isUint) throw new CallError(`cannot index slice/array with type ${x.t.name}`);
  const n = x.v as number;
  if (n < 0 || n > cap) throw new CallError(`index out of range: ${n}`);
  return n;
}

function mapKey(v: Val, keyType: GoType): string {
  let x = v;
  if (!isValid(x)) {
    if (!['interface', 'ptr', 'map', 'slice'].includes(keyType.kind)) throw new CallError(`value is nil; should be of type ${keyType.name}`);
    return 'null';
  }
  if (x.t.name !== keyType.name && !keyType.isEmptyInterface) {
    const intLike = (t: GoType): boolean => t.isInt || t.isUint;
    if (!(intLike(x.t) && intLike(keyType))) throw new CallError(`value has type ${x.t.name}; should be ${keyType.name}`);
    x = new Val(keyType, x.v);
  }
  return String(x.v);
}

function index(args: readonly Val[]): Val {
  let item = indirectInterface(args[0] as Val);
  if (!isValid(item)) throw new CallError('index of untyped nil');
  for (const raw of args.slice(1)) {
    const idx = indirectInterface(raw);
    const [r, nil] = indirect(item);
    if (nil) throw new CallError('index of nil pointer');
    item = r;
    switch (item.t.kind) {
      case 'array':
      case 'slice':
        item = sliceIndex(item, checkedIndex(idx, lengthOf(item) ?? 0));
        break;
      case 'string': {
        const bytes = utf8Bytes(item.v as string);
        item = new Val(T.uint8, bytes[checkedIndex(idx, bytes.length)]);
        break;
      }
      case 'map': {
        const found = mapIndex(item, mapKey(idx, item.t.key ?? T.string));
        item = isValid(found) ? found : zero(item.t.elem ?? T.any);
        break;
      }
      default:
        throw new CallError(`can't index item of type ${item.t.name}`);
    }
  }
  return item;
}

function checkedIndex(idx: Val, len: number): number {
  const i = indexArg(idx, len);
  if (i >= len) throw new CallError(`index out of range: ${i}`);
  return i;
}

function slice(args: readonly Val[]): Val {
  const start = indirectInterface(args[0] as Val);
  if (!isValid(start)) throw new CallError('slice of untyped nil');
  const [item, nil] = indirect(start);
  if (nil) throw new CallError('slice of nil pointer');
  const idxs = args.slice(1);
  if (idxs.length > 3) throw new CallError(`too many slice indexes: ${idxs.length}`);
  const isString = item.t.kind === 'string';
  if (!isString && item.t.kind !== 'slice' && item.t.kind !== 'array') throw new CallError(`can't slice item of type ${item.t.name}`);
  if (isString && idxs.length === 3) throw new CallError('cannot 3-index slice a string');
  const bytes = isString ? utf8Bytes(item.v as string) : undefined;
  const len = bytes ? bytes.length : (lengthOf(item) ?? 0);
  const bounds = [0, len];
  idxs.forEach((x, i) => (bounds[i] = indexArg(x, len)));
  const [lo = 0, hi = len] = bounds;
  if (lo > hi) throw new CallError(`invalid slice index: ${lo} > ${hi}`);
  if (idxs.length === 3 && hi > (bounds[2] ?? len)) throw new CallError(`invalid slice index: ${hi} > ${bounds[2]}`);
  if (bytes) return new Val(item.t, fromUtf8(bytes.subarray(lo, hi)));
  return fromRaw(item.t.kind === 'array' ? (item.t.elem ? typeFor(item.t) : item.t) : item.t, ((item.v as unknown[] | null) ?? []).slice(lo, hi));
}

const typeFor = (t: GoType): GoType => t;

function length(v: Val): Val {
  const [item, nil] = indirect(v);
  if (nil) throw new CallError('len of nil pointer');
  const n = isValid(item) ? lengthOf(item) : undefined;
  if (n === undefined) throw new CallError(`len of type ${isValid(item) ? item.t.name : '<nil>'}`);
  return new Val(T.int, n);
}

function evalArgs(args: readonly Val[]): string {
  if (args.length === 1 && concrete(args[0] as Val).t === T.string) return concrete(args[0] as Val).v as string;
  return sprint(args);
}

const HTML: Readonly<Record<string, string>> = { '\0': '\uFFFD', '"': '&#34;', "'": '&#39;', '&': '&amp;', '<': '&lt;', '>': '&gt;' };
const JS: Readonly<Record<string, string>> = { '\\': '\\\\', "'": "\\'", '"': '\\"', '<': '\\u003C', '>': '\\u003E', '&': '\\u0026', '=': '\\u003D' };

function jsEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    const special = JS[ch];
    if (special) out += special;
    else if (cp < 0x20) out += `\\u00${cp.toString(16).toUpperCase().padStart(2, '0')}`;
    else if (cp >= 0x80 && !isPrint(ch)) out += `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += ch;
  }
  return out;
}

const bool = (b: boolean): Val => new Val(T.bool, b);
const anyVariadic = [T.anySlice];

function builtin(name: string, params: readonly GoType[], variadic: boolean, result: GoType, call: (args: Val[]) => Val, reflectParams = true): Func {
  return { name, params, variadic, result, builtin: reflectParams, call };
}

const R = REFLECT;
const RS = { ...REFLECT, kind: 'slice', elem: REFLECT } as unknown as GoType;

/** Go's builtin functions, by name. */
export const BUILTINS: ReadonlyMap<string, Func> = new Map<string, Func>(
  [
    builtin('and', [R, RS], true, R, (a) => a[a.length - 1] as Val),
    builtin('or', [R, RS], true, R, (a) => a[a.length - 1] as Val),
    builtin('not', [R], false, T.bool, (a) => bool(!(truth(indirectInterface(a[0] as Val)) ?? false))),
    builtin('len', [R], false, T.int, (a) => length(a[0] as Val)),
    builtin('index', [R, RS], true, R, index),
    builtin('slice', [R, RS], true, R, slice),
    builtin('eq', [R, RS], true, T.bool, (a) => bool(eq(a))),
    builtin('ne', [R, R], false, T.bool, (a) => bool(!eq(a))),
    builtin('lt', [R, R], false, T.bool, (a) => bool(lt(a[0] as Val, a[1] as Val))),
    builtin('le', [R, R], false, T.bool, (a) => bool(lt(a[0] as Val, a[1] as Val) || eq(a))),
    builtin('gt', [R, R], false, T.bool, (a) => bool(!(lt(a[0] as Val, a[1] as Val) || eq(a)))),
    builtin('ge', [R, R], false, T.bool, (a) => bool(!lt(a[0] as Val, a[1] as Val))),
    builtin('print', anyVariadic, true, T.string, (a) => stringVal(sprint(a)), false),
    builtin('println', anyVariadic, true, T.string, (a) => stringVal(sprintln(a)), false),
    builtin('printf', [T.string, T.anySlice], true, T.string, (a) => stringVal(sprintf(a[0]?.v as string, a.slice(1))), false),
    builtin('html', anyVariadic, true, T.string, (a) => stringVal(evalArgs(a).replace(/[\0"'&<>]/g, (c) => HTML[c] ?? c)), false),
    builtin('js', anyVariadic, true, T.string, (a) => stringVal(jsEscape(evalArgs(a))), false),
    builtin(
      'urlquery',
      anyVariadic,
      true,
      T.string,
      (a) =>
        stringVal(
          encodeURIComponent(evalArgs(a))
            .replace(/%20/g, '+')
            .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
        ),
      false,
    ),
    builtin('call', [R, RS], true, R, () => {
      throw new CallError('call is not supported: template data has no functions');
    }),
  ].map((f) => [f.name, f]),
);
