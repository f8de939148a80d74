// Methods templates call on Istio's data: the nil-safe protobuf getters (`.GetTracing`,
// `.GetValue`, oneof getters), enum `.String`, the String() forms of Kubernetes types
// (`&Container{Name:app,...}`), quantities and durations. Which methods exist comes from the
// generated method sets; a method Go has but meshgate does not implement fails when called.
import { CallError } from './errors.js';
import { formatValue, plainSpec } from './fmt.js';
import { formatDuration } from './timefmt.js';
import { canonicalQuantity as canonicalQuantityText } from '../../settings/syntax.js';
import { FLAG, T, typeNamed, type GoType, type MethodDesc } from './types.js';
import { concrete, durationParts, elem, fieldOf, fromRaw, isNil, isValid, mapIndex, sliceIndex, sortedKeys, Val, zero, stringVal } from './value.js';

export type MethodImpl = (recv: Val, args: readonly Val[]) => Val;

/** The base (non-pointer) type whose methods a receiver has. */
const baseOf = (v: Val): GoType => (v.t.kind === 'ptr' ? (v.t.elem as GoType) : v.t);

/** The method set Go allows on this receiver: *T's for pointers and addressable values, else T's. */
export function methodSet(v: Val): ReadonlyMap<string, MethodDesc> {
  if (v.t.kind === 'ptr') return (v.t.elem as GoType).pointerMethods;
  return v.addr ? v.t.pointerMethods : v.t.valueMethods;
}

/** The receiver's struct value, or undefined for a nil pointer. */
function structOf(recv: Val): Val | undefined {
  if (recv.t.kind !== 'ptr') return recv;
  return isNil(recv) ? undefined : elem(recv);
}

function getter(base: GoType, name: string): MethodImpl | undefined {
  const field = name.slice(3);
  const path = base.fieldByName(field);
  if (path && path.length > 0) {
    const last = path[path.length - 1];
    return (recv) => {
      const s = structOf(recv);
      return s === undefined ? zero(last?.type ?? T.any) : fieldOf(s, path);
    };
  }
  for (const f of base.fields) {
    const choice = f.oneof?.find((c) => c.f === field);
    if (!choice) continue;
    const type = typeNamed(choice.t);
    return (recv) => {
      const s = structOf(recv);
      const raw = (s?.v as Record<string, unknown> | null | undefined)?.[choice.j];
      return raw === undefined || raw === null ? zero(type) : fromRaw(type, raw);
    };
  }
  return undefined;
}

const SPECIAL: Readonly<Record<string, Readonly<Record<string, MethodImpl>>>> = {
  'resource.Quantity': {
    String: (r) => stringVal(quantityText(r)),
    IsZero: (r) => new Val(T.bool, Number(quantityNumber(r)) === 0),
    Value: (r) => new Val(T.int64, Math.ceil(quantityNumber(r))),
    MilliValue: (r) => new Val(T.int64, Math.ceil(quantityNumber(r) * 1000)),
    AsApproximateFloat64: (r) => new Val(T.float64, quantityNumber(r)),
  },
  'intstr.IntOrString': {
    String: (r) => stringVal(String(structOf(r)?.v ?? 0)),
    IntValue: (r) => {
      const raw = structOf(r)?.v;
      return new Val(T.int, typeof raw === 'number' ? raw : Number.parseInt(String(raw ?? ''), 10) || 0);
    },
  },
  'durationpb.Duration': {
    AsDuration: (r) => {
      const [s, n] = durationParts(structOf(r)?.v);
      return new Val(typeNamed('time.Duration'), s * 1e9 + n);
    },
  },
  'time.Duration': {
    String: (r) => stringVal(formatDuration(r.t.kind === 'ptr' ? (elem(r).v as number) : (r.v as number))),
    Seconds: (r) => new Val(T.float64, (r.v as number) / 1e9),
  },
};

function quantityText(r: Val): string {
  const raw = structOf(r)?.v;
  return raw === null || raw === undefined ? '0' : canonicalQuantityText(String(raw));
}

function quantityNumber(r: Val): number {
  const m = /^([+-]?[0-9.]+)([a-zA-Z]*)$/.exec(quantityText(r));
  const unit: Readonly<Record<string, number>> = {
    '': 1,
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    P: 1e15,
    E: 1e18,
    Ki: 1024,
    Mi: 1024 ** 2,
    Gi: 1024 ** 3,
    Ti: 1024 ** 4,
    Pi: 1024 ** 5,
    Ei: 1024 ** 6,
  };
  return m ? Number(m[1]) * (unit[m[2] as string] ?? 1) : 0;
}

/** The implementation of a method Go's method set has, if meshgate implements it. */
export function methodImpl(recv: Val, name: string): MethodImpl | undefined {
  const base = baseOf(recv);
  const special = SPECIAL[base.name]?.[name];
  if (special) return special;
  if (base.enumNames && name === 'String') return (r) => stringVal(enumName(r.t.kind === 'ptr' ? elem(r) : r));
  if (base.enumNames && name === 'Number') return (r) => new Val(T.int32, (r.t.kind === 'ptr' ? elem(r) : r).v);
  if (name.startsWith('Get')) {
    const g = getter(base, name);
    if (g) return g;
  }
  if (name === 'String' && base.kind === 'struct') return (r) => stringVal(base.proto ? protoText(r) : gogoString(r));
  return undefined;
}

export function enumName(v: Val): string {
  return v.t.enumNames?.get(v.v as number) ?? String(v.v);
}

/** Calls a method; errors name the method and type. */
export function callMethod(recv: Val, name: string, args: readonly Val[]): Val {
  const impl = methodImpl(recv, name);
  if (!impl) throw new CallError(`meshgate does not implement the method ${name} of ${recv.t.name}`);
  return impl(recv, args);
}

/** What fmt prints for a value whose method set has `String() string`, else undefined. */
export function stringMethodOf(v: Val): string | undefined {
  const c = concrete(v);
  if (!isValid(c) || c.t.kind === 'interface') return undefined;
  const m = methodSet(c).get('String');
  if (!m || (m.i?.length ?? 0) > 0 || m.o?.[0] !== 'string') return undefined;
  const impl = methodImpl(c, 'String');
  if (!impl) return undefined;
  if (c.t.kind === 'ptr' && isNil(c)) return baseOf(c).proto ? '<nil>' : 'nil';
  return impl(c, []).v as string;
}

/** The compact protobuf text of a message (Go's own is deliberately unstable; never print it). */
function protoText(r: Val): string {
  const s = structOf(r);
  if (s === undefined) return '<nil>';
  const parts: string[] = [];
  for (const f of baseOf(r).fields) {
    const v = fieldOf(s, [f]);
    if (!isValid(v) || isNil(v) || (v.t.kind !== 'struct' && (v.v === '' || v.v === 0 || v.v === false))) continue;
    parts.push(`${f.protoName ?? f.json}:${formatValue(v, 'v', plainSpec(), 1)}`);
  }
  return parts.join(' ');
}

const shortName = (t: GoType): string => t.name.slice(t.name.lastIndexOf('.') + 1);

/** The String() of a generated Kubernetes type: `&Type{Field:value,...,}`. */
export function gogoString(r: Val): string {
  const s = structOf(r);
  if (s === undefined) return 'nil';
  const base = baseOf(r);
  const body = base.fields.filter((f) => !(f.flags & FLAG.noJSON) || f.flags & FLAG.embedded).map((f) => `${f.name}:${gogoField(fieldOf(s, [f]))},`);
  return `&${shortName(base)}{${body.join('')}}`;
}

function gogoField(v: Val): string {
  const t = v.t;
  if (t.kind === 'struct') return SPECIAL[t.name]?.['String'] ? (SPECIAL[t.name]?.['String']?.(v, []).v as string) : gogoString(v).replace('&', '');
  if (t.kind === 'ptr') {
    if (isNil(v)) return 'nil';
    return t.elem?.kind === 'struct' ? gogoString(v) : `*${formatValue(elem(v), 'v', plainSpec(), 1)}`;
  }
  if (t.kind === 'slice' && t.elem?.kind === 'struct') {
    const items = (v.v as unknown[] | null) ?? [];
    return `[]${shortName(t.elem)}{${items.map((_x, i) => `${gogoString(sliceIndex(v, i)).replace('&', '')},`).join('')}}`;
  }
  if (t.kind === 'map') {
    return `map[${t.key?.name ?? ''}]${t.elem?.name ?? ''}{${sortedKeys(v)
      .map((k) => `${k}: ${formatValue(mapIndex(v, k), 'v', plainSpec(), 1)},`)
      .join('')}}`;
  }
  return formatValue(v, 'v', plainSpec(), 1);
}
