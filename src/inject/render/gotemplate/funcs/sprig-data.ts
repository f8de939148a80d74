// Sprig's list, dict, default, JSON, arithmetic and type functions (Masterminds/sprig v3
// semantics). Dicts made by a template can be changed with set/unset; the injector's own
// configuration (.Values) is frozen, so changing it is an error instead of a change that
// would leak into later requests.
import { randomInt, randomUUID } from 'node:crypto';
import { CallError } from '../errors.js';
import { marshal, marshalIndent } from '../gojson.js';
import { T } from '../types.js';
import { concrete, isValid, NIL, rawOf, Val, stringVal } from '../value.js';
import { anyList, anyMap, bool, empty, float, fromJSONValue, int64, listItems, mapEntries, mustList, stringList, strval, toFloat64, toInt64, typeName, type Impl } from './util.js';

const arg = (a: Val[], i: number): Val => a[i] ?? NIL;

function equalVals(x: Val, y: Val): boolean {
  const a = concrete(x);
  const b = concrete(y);
  if (a === NIL || b === NIL) return a === b;
  return a.t.name === b.t.name && JSON.stringify(rawOf(a)) === JSON.stringify(rawOf(b));
}

function mutable(m: Val, what: string): Record<string, unknown> {
  const raw = concrete(m).v as Record<string, unknown> | null;
  if (raw === null) throw new CallError(`${what} on a nil map`);
  if (Object.isFrozen(raw)) throw new CallError(`${what} cannot change the injector's configuration (.Values); build a new dict instead`);
  return raw;
}

function safeJSON(f: () => string): Val {
  try {
    return stringVal(f());
  } catch {
    return stringVal('');
  }
}

function dict(a: Val[]): Val {
  const out: [string, Val][] = [];
  for (let i = 0; i < a.length; i += 2) out.push([strval(arg(a, i)), i + 1 < a.length ? arg(a, i + 1) : stringVal('')]);
  return anyMap(out);
}

function merge(a: Val[], overwrite: boolean): Val {
  const dst = mutable(arg(a, 0), 'merge');
  const deep = (target: Record<string, unknown>, src: Record<string, unknown>): void => {
    for (const [k, v] of Object.entries(src)) {
      const cur = target[k];
      if (isPlain(cur) && isPlain(v) && !Object.isFrozen(cur)) deep(cur, v);
      else if (isPlain(cur) && isPlain(v)) target[k] = Object.assign({}, v, cur);
      else if (!(k in target) || overwrite || cur === null || cur === undefined || cur === '' || cur === 0 || cur === false) target[k] = v;
    }
  };
  for (const m of a.slice(1)) deep(dst, (concrete(m).v as Record<string, unknown> | null) ?? {});
  return concrete(arg(a, 0));
}

const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Val);

function dig(a: Val[]): Val {
  if (a.length < 3) throw new CallError('dig needs at least three arguments');
  const keys = a.slice(0, -2).map((k) => concrete(k).v as string);
  let cur: unknown = concrete(arg(a, a.length - 1)).v;
  for (const k of keys) {
    if (!isPlain(cur) || !(k in cur)) return arg(a, a.length - 2);
    cur = cur[k];
  }
  return cur instanceof Val ? cur : fromJSONValue(cur);
}

function numbers(a: Val[], f: (x: number, y: number) => number, start?: number): Val {
  const xs = a.flatMap((x) => listItems(x) ?? [x]).map(toInt64);
  return int64(xs.reduce(f, start ?? (xs.shift() as number)));
}

function until(start: number, stop: number, step: number): Val {
  const out: number[] = [];
  if (step > 0) for (let i = start; i < stop; i += step) out.push(i);
  else if (step < 0) for (let i = start; i > stop; i += step) out.push(i);
  return new Val(T.intSlice, out);
}

function rand(n: number, alphabet: string): Val {
  let out = '';
  for (let i = 0; i < n; i++) out += alphabet[randomInt(alphabet.length)];
  return stringVal(out);
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

export const DATA_FUNCS: Readonly<Record<string, Impl>> = {
  default: (a) => (a.length < 2 || empty(arg(a, 1)) ? arg(a, 0) : arg(a, 1)),
  empty: (a) => bool(empty(arg(a, 0))),
  coalesce: (a) => a.find((x) => !empty(x)) ?? NIL,
  all: (a) => bool(a.every((x) => !empty(x))),
  any: (a) => bool(a.some((x) => !empty(x))),
  ternary: (a) => (arg(a, 2).v ? arg(a, 0) : arg(a, 1)),
  list: (a) => anyList(a),
  tuple: (a) => anyList(a),
  append: (a) => anyList([...mustList(arg(a, 0), 'push'), arg(a, 1)]),
  push: (a) => anyList([...mustList(arg(a, 0), 'push'), arg(a, 1)]),
  mustAppend: (a) => anyList([...mustList(arg(a, 0), 'push'), arg(a, 1)]),
  prepend: (a) => anyList([arg(a, 1), ...mustList(arg(a, 0), 'prepend')]),
  first: (a) => mustList(arg(a, 0), 'find first')[0] ?? NIL,
  last: (a) => mustList(arg(a, 0), 'find last').at(-1) ?? NIL,
  rest: (a) => anyList(mustList(arg(a, 0), 'find rest').slice(1)),
  initial: (a) => anyList(mustList(arg(a, 0), 'find initial').slice(0, -1)),
  reverse: (a) => anyList([...mustList(arg(a, 0), 'reverse')].reverse()),
  uniq: (a) => anyList(mustList(arg(a, 0), 'uniq').filter((x, i, all) => all.findIndex((y) => equalVals(x, y)) === i)),
  compact: (a) => anyList(mustList(arg(a, 0), 'compact').filter((x) => !empty(x))),
  without: (a) => anyList(mustList(arg(a, 0), 'find without').filter((x) => !a.slice(1).some((y) => equalVals(x, y)))),
  has: (a) => bool((listItems(arg(a, 1)) ?? []).some((x) => equalVals(x, arg(a, 0)))),
  concat: (a) => anyList(a.flatMap((x) => mustList(x, 'concat'))),
  sortAlpha: (a) => stringList((listItems(arg(a, 0)) ?? [arg(a, 0)]).map(strval).sort()),
  join: (a) =>
    stringVal(
      (listItems(arg(a, 1)) ?? (concrete(arg(a, 1)) === NIL ? [] : [arg(a, 1)]))
        .filter((x) => concrete(x) !== NIL)
        .map(strval)
        .join((arg(a, 0).v as string) ?? ''),
    ),
  toStrings: (a) => stringList((listItems(arg(a, 0)) ?? [arg(a, 0)]).filter((x) => concrete(x) !== NIL).map(strval)),
  until: (a) => until(0, arg(a, 0).v as number, (arg(a, 0).v as number) >= 0 ? 1 : -1),
  untilStep: (a) => until(arg(a, 0).v as number, arg(a, 1).v as number, arg(a, 2).v as number),
  dict: dict,
  get: (a) => {
    const raw = (concrete(arg(a, 0)).v as Record<string, unknown> | null) ?? {};
    const k = arg(a, 1).v as string;
    return Object.hasOwn(raw, k) ? (raw[k] instanceof Val ? (raw[k] as Val) : fromJSONValue(raw[k])) : stringVal('');
  },
  set: (a) => {
    mutable(arg(a, 0), 'set')[arg(a, 1).v as string] = rawOf(arg(a, 2));
    return concrete(arg(a, 0));
  },
  unset: (a) => {
    delete mutable(arg(a, 0), 'unset')[arg(a, 1).v as string];
    return concrete(arg(a, 0));
  },
  hasKey: (a) => bool(Object.hasOwn((concrete(arg(a, 0)).v as object | null) ?? {}, arg(a, 1).v as string)),
  pick: (a) => anyMap(mapEntries(arg(a, 0)).filter(([k]) => a.slice(1).some((x) => x.v === k))),
  keys: (a) => stringList(a.flatMap((m) => mapEntries(m).map(([k]) => k))),
  values: (a) => anyList(mapEntries(arg(a, 0)).map(([, v]) => v)),
  pluck: (a) =>
    anyList(
      a.slice(1).flatMap((m) =>
        mapEntries(m)
          .filter(([k]) => k === arg(a, 0).v)
          .map(([, v]) => v),
      ),
    ),
  merge: (a) => merge(a, false),
  mergeOverwrite: (a) => merge(a, true),
  dig,
  deepCopy: (a) => fromJSONValue(structuredClone(rawOf(arg(a, 0)))),
  deepEqual: (a) => bool(equalVals(arg(a, 0), arg(a, 1))),
  toJson: (a) => safeJSON(() => marshal(arg(a, 0))),
  toPrettyJson: (a) => safeJSON(() => marshalIndent(arg(a, 0), '  ')),
  toRawJson: (a) => safeJSON(() => marshal(arg(a, 0), { escapeHTML: false })),
  fromJson: (a) => {
    try {
      return fromJSONValue(JSON.parse(arg(a, 0).v as string));
    } catch {
      return NIL;
    }
  },
  add: (a) => numbers(a, (x, y) => x + y, 0),
  add1: (a) => int64(toInt64(arg(a, 0)) + 1),
  sub: (a) => int64(toInt64(arg(a, 0)) - toInt64(arg(a, 1))),
  mul: (a) => numbers(a, (x, y) => x * y, 1),
  div: (a) => {
    const d = toInt64(arg(a, 1));
    if (d === 0) throw new CallError('runtime error: integer divide by zero');
    return int64(Math.trunc(toInt64(arg(a, 0)) / d));
  },
  mod: (a) => {
    const d = toInt64(arg(a, 1));
    if (d === 0) throw new CallError('runtime error: integer divide by zero');
    return int64(toInt64(arg(a, 0)) % d);
  },
  max: (a) => numbers(a, (x, y) => Math.max(x, y)),
  min: (a) => numbers(a, (x, y) => Math.min(x, y)),
  addf: (a) => float(a.map(toFloat64).reduce((x, y) => x + y, 0)),
  subf: (a) =>
    float(
      a
        .slice(1)
        .map(toFloat64)
        .reduce((x, y) => x - y, toFloat64(arg(a, 0))),
    ),
  mulf: (a) => float(a.map(toFloat64).reduce((x, y) => x * y, 1)),
  divf: (a) =>
    float(
      a
        .slice(1)
        .map(toFloat64)
        .reduce((x, y) => x / y, toFloat64(arg(a, 0))),
    ),
  floor: (a) => float(Math.floor(toFloat64(arg(a, 0)))),
  ceil: (a) => float(Math.ceil(toFloat64(arg(a, 0)))),
  typeOf: (a) => stringVal(typeName(arg(a, 0))),
  typeIs: (a) => bool(typeName(arg(a, 1)) === arg(a, 0).v),
  kindOf: (a) => stringVal(concrete(arg(a, 1 - 1)) === NIL || !isValid(concrete(arg(a, 0))) ? 'invalid' : concrete(arg(a, 0)).t.kind),
  kindIs: (a) => bool((concrete(arg(a, 1)) === NIL ? 'invalid' : concrete(arg(a, 1)).t.kind) === arg(a, 0).v),
  uuidv4: () => stringVal(randomUUID()),
  randAlphaNum: (a) => rand(arg(a, 0).v as number, `${LETTERS}0123456789`),
  randAlpha: (a) => rand(arg(a, 0).v as number, LETTERS),
  randNumeric: (a) => rand(arg(a, 0).v as number, '0123456789'),
  randAscii: (a) => rand(arg(a, 0).v as number, Array.from({ length: 94 }, (_x, i) => String.fromCharCode(33 + i)).join('')),
  randInt: (a) => new Val(T.int, randomInt(arg(a, 0).v as number, arg(a, 1).v as number)),
};
