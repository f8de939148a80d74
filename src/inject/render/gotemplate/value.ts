// Go values over JSON data. A Val is a Go type plus its data in JSON form: structs stay the
// Kubernetes or protobuf JSON objects they arrived as and are read field by field through the
// type's JSON names, so nothing is converted up front. Interface values box another Val (or
// hold nil); inside `[]interface {}` and `map[string]interface {}` plain JSON stands for itself
// (numbers are float64), and a Val stands for a typed value a template made (`list 1 2`).
import { FLAG, structType, T, typeNamed, type Field, type GoType } from './types.js';

export class Val {
  constructor(
    readonly t: GoType,
    readonly v: unknown,
    /** Whether Go could take its address (struct fields through a pointer, slice elements). */
    readonly addr = false,
  ) {}
}

/** A Go string value. */
export const stringVal = (s: string): Val => new Val(T.string, s);

/** The zero reflect.Value: a missing map key, a nil dot; prints `<no value>`. */
export const INVALID = new Val(T.invalid, undefined);
/** A nil `interface {}`. */
export const NIL = new Val(T.any, null);

export const isValid = (v: Val): boolean => v.t !== T.invalid;

/** The concrete Val a JSON value stands for inside an interface. */
export function dynamic(raw: unknown): Val {
  if (raw instanceof Val) return raw;
  switch (typeof raw) {
    case 'number':
      return new Val(T.float64, raw);
    case 'string':
      return new Val(T.string, raw);
    case 'boolean':
      return new Val(T.bool, raw);
    case 'bigint':
      return new Val(T.float64, Number(raw));
  }
  if (raw === null || raw === undefined) return NIL;
  return Array.isArray(raw) ? new Val(T.anySlice, raw) : new Val(T.anyMap, raw);
}

/** Boxes a concrete value into an interface type (nil stays nil). */
export function box(t: GoType, v: Val): Val {
  if (v.t.kind === 'interface') return v.v === null ? new Val(t, null) : new Val(t, v.v);
  return new Val(t, isValid(v) ? v : null);
}

/** What an interface value holds, NIL for nil; other values unchanged. */
export function concrete(v: Val): Val {
  if (v.t.kind !== 'interface') return v;
  return v.v === null || v.v === undefined ? NIL : (v.v as Val);
}

/** The JSON form of a value, for storing into a JSON container. */
export function rawOf(v: Val): unknown {
  const c = concrete(v);
  if (c === NIL || !isValid(c)) return null;
  if (c.t === T.float64 || c.t === T.string || c.t === T.bool || c.t === T.anyMap || c.t === T.anySlice) return c.v;
  return c;
}

function numberOf(t: GoType, raw: unknown): number {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'string') {
    const e = t.enumValues?.get(raw);
    if (e !== undefined) return e;
    const n = Number(raw);
    return Number.isNaN(n) ? 0 : n;
  }
  if (typeof raw === 'boolean') return raw ? 1 : 0;
  return 0;
}

/** Special structs whose JSON form is not an object (quantities, durations, wrappers…). */
export const SPECIAL_STRUCTS: ReadonlySet<string> = new Set([
  'resource.Quantity',
  'intstr.IntOrString',
  'v1.Time',
  'v1.MicroTime',
  'time.Time',
  'durationpb.Duration',
  'timestamppb.Timestamp',
  'wrapperspb.BoolValue',
  'wrapperspb.Int32Value',
  'wrapperspb.UInt32Value',
  'wrapperspb.Int64Value',
  'wrapperspb.UInt64Value',
  'wrapperspb.DoubleValue',
  'wrapperspb.FloatValue',
  'wrapperspb.StringValue',
  'wrapperspb.BytesValue',
  'structpb.Struct',
  'structpb.Value',
  'structpb.ListValue',
]);

/** The Val of type t whose data is `raw` (absent data is t's zero value). */
export function fromRaw(t: GoType, raw: unknown, addr = false): Val {
  switch (t.kind) {
    case 'interface':
      if (raw === undefined || raw === null) return new Val(t, null);
      return new Val(t, dynamic(raw));
    case 'string':
      return new Val(t, typeof raw === 'string' ? raw : raw === undefined || raw === null ? '' : String(raw), addr);
    case 'bool':
      return new Val(t, raw === true, addr);
    case 'struct':
      return new Val(t, raw === undefined ? (SPECIAL_STRUCTS.has(t.name) ? null : {}) : raw, addr);
    case 'ptr':
    case 'slice':
    case 'map':
    case 'func':
      return new Val(t, raw === undefined ? null : raw, addr);
    case 'array':
      return new Val(t, raw ?? [], addr);
  }
  return new Val(t, t.isNumber ? numberOf(t, raw) : raw, addr);
}

/** Go's zero value of a type. */
export function zero(t: GoType): Val {
  return fromRaw(t, undefined);
}

export function isNil(v: Val): boolean {
  switch (v.t.kind) {
    case 'ptr':
    case 'interface':
    case 'map':
    case 'slice':
    case 'func':
    case 'chan':
      return v.v === null || v.v === undefined;
  }
  return false;
}

/** What a pointer points to, or what an interface holds. */
export function elem(v: Val): Val {
  if (v.t.kind === 'interface') return concrete(v);
  return fromRaw(v.t.elem ?? T.invalid, v.v, true);
}

/** Follows pointers and interfaces; stops at nil, reporting it. */
export function indirect(v: Val): [Val, boolean] {
  let cur = v;
  while (cur.t.kind === 'ptr' || cur.t.kind === 'interface') {
    if (isNil(cur)) return [cur, true];
    cur = elem(cur);
  }
  return [cur, false];
}

/** Unwraps one interface level (text/template's indirectInterface). */
export function indirectInterface(v: Val): Val {
  if (v.t.kind !== 'interface') return v;
  return v.v === null || v.v === undefined ? INVALID : (v.v as Val);
}

/** Length of a string (UTF-8 bytes), slice, array or map. */
export function lengthOf(v: Val): number | undefined {
  switch (v.t.kind) {
    case 'string':
      return utf8Length(v.v as string);
    case 'slice':
    case 'array':
      return Array.isArray(v.v) ? v.v.length : 0;
    case 'map':
      return v.v === null || v.v === undefined ? 0 : Object.keys(v.v as object).length;
  }
  return undefined;
}

export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** text/template's isTrue; undefined when the value has no truth (functions, channels). */
export function truth(v: Val): boolean | undefined {
  if (!isValid(v)) return false;
  const t = v.t;
  switch (t.kind) {
    case 'string':
    case 'slice':
    case 'array':
    case 'map':
      return (lengthOf(v) ?? 0) > 0;
    case 'bool':
      return v.v === true;
    case 'ptr':
    case 'interface':
    case 'func':
    case 'chan':
      return !isNil(v);
    case 'struct':
      return true;
  }
  if (t.isNumber) return v.v !== 0;
  return undefined;
}

/** The value of a struct field (already resolved to a path of embedded steps). */
export function fieldOf(v: Val, path: readonly Field[]): Val {
  let cur = v;
  for (const f of path) {
    if (cur.t.kind === 'ptr') {
      if (isNil(cur)) throw new Error('invalid memory address or nil pointer dereference');
      cur = elem(cur);
    }
    cur = directField(cur, f);
  }
  return cur;
}

function directField(s: Val, f: Field): Val {
  const raw = s.v as Record<string, unknown> | null;
  if (f.oneof) return oneofValue(f, raw);
  if (f.flags & FLAG.inline) return fromRaw(f.type, raw, s.addr);
  const special = SPECIAL_FIELD[s.t.name];
  if (special) return special(f, raw, s.addr);
  let x = raw === null || typeof raw !== 'object' ? undefined : raw[f.json];
  if (x === undefined && f.protoName !== undefined && raw !== null && typeof raw === 'object') x = raw[f.protoName];
  return fromRaw(f.type, x, s.addr);
}

/** A protobuf oneof: an interface holding a pointer to the wrapper of the member that is set. */
function oneofValue(f: Field, raw: Record<string, unknown> | null): Val {
  for (const choice of f.oneof ?? []) {
    const x = raw?.[choice.j];
    if (x === undefined || x === null) continue;
    const wrapper = wrapperType(choice.w, choice.f, choice.t);
    return new Val(f.type, new Val(typeNamed(`*${wrapper.name}`), { [choice.f]: x }));
  }
  return new Val(f.type, null);
}

function wrapperType(name: string, field: string, type: string): GoType {
  return structType(name, [{ name: field, json: field, protoName: undefined, type: typeNamed(type), flags: 0, oneof: undefined }]);
}

type SpecialField = (f: Field, raw: unknown, addr: boolean) => Val;

const wrapperField: SpecialField = (f, raw, addr) => fromRaw(f.type, raw === null ? undefined : raw, addr);

/** Field reads of structs whose JSON form is a scalar. */
const SPECIAL_FIELD: Readonly<Record<string, SpecialField>> = {
  'wrapperspb.BoolValue': wrapperField,
  'wrapperspb.Int32Value': wrapperField,
  'wrapperspb.UInt32Value': wrapperField,
  'wrapperspb.Int64Value': wrapperField,
  'wrapperspb.UInt64Value': wrapperField,
  'wrapperspb.DoubleValue': wrapperField,
  'wrapperspb.FloatValue': wrapperField,
  'wrapperspb.StringValue': wrapperField,
  'intstr.IntOrString': (f, raw, addr) => {
    const isString = typeof raw === 'string';
    if (f.name === 'Type') return fromRaw(f.type, isString ? 1 : 0, addr);
    if (f.name === 'IntVal') return fromRaw(f.type, isString ? 0 : raw, addr);
    return fromRaw(f.type, isString ? raw : '', addr);
  },
  'durationpb.Duration': (f, raw, addr) => {
    const [seconds, nanos] = durationParts(raw);
    return fromRaw(f.type, f.name === 'Seconds' ? seconds : f.name === 'Nanos' ? nanos : undefined, addr);
  },
};

/** Seconds and nanoseconds of a protobuf Duration in JSON form (`"1.5s"`). */
export function durationParts(raw: unknown): [number, number] {
  if (typeof raw === 'object' && raw !== null) {
    const o = raw as { seconds?: unknown; nanos?: unknown };
    return [Number(o.seconds ?? 0), Number(o.nanos ?? 0)];
  }
  const m = typeof raw === 'string' ? /^(-)?(\d+)(?:\.(\d{1,9}))?s$/.exec(raw.trim()) : null;
  if (!m) return [0, 0];
  const sign = m[1] ? -1 : 1;
  return [sign * Number(m[2]), sign * Number((m[3] ?? '').padEnd(9, '0') || '0')];
}

/** The element of a map by key (INVALID when absent). */
export function mapIndex(m: Val, key: string): Val {
  const raw = m.v as Record<string, unknown> | null;
  if (raw === null || raw === undefined || !Object.hasOwn(raw, key)) return INVALID;
  return fromRaw(m.t.elem ?? T.any, raw[key]);
}

/** The i-th element of a slice or array. */
export function sliceIndex(s: Val, i: number): Val {
  const raw = s.v as unknown[];
  return fromRaw(s.t.elem ?? T.any, raw[i], true);
}

/** Keys of a map in Go's sorted order (fmtsort): byte order for strings, numeric for numbers. */
export function sortedKeys(m: Val): string[] {
  const raw = m.v as Record<string, unknown> | null;
  if (raw === null || raw === undefined) return [];
  const keys = Object.keys(raw);
  const kt = m.t.key;
  if (kt?.isNumber) return keys.sort((a, b) => Number(a) - Number(b));
  return keys.sort(compareBytes);
}

/** UTF-8 byte order of two strings (equal to code point order). */
export function compareBytes(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i) as number;
    const y = b.codePointAt(i) as number;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

/** A map key as a Val of the map's key type. */
export function keyVal(m: Val, key: string): Val {
  const kt = m.t.key ?? T.string;
  return fromRaw(kt, kt.isNumber ? Number(key) : key);
}
