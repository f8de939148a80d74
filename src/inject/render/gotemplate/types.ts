// Go's type system as far as templates can observe it: kinds, names as `%T` prints them,
// element and key types, struct fields with their JSON names (the data stays in its JSON form),
// method sets and protobuf enums. Types come from the generated table (scripts/gotypes) and
// are linked once, lazily; composite types a template creates (`[]interface {}`) are made here.
import { ROOT_TYPE, TYPES } from './generated/gotypes.js';

export type Kind =
  | 'invalid'
  | 'bool'
  | 'int'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'uintptr'
  | 'float32'
  | 'float64'
  | 'complex64'
  | 'complex128'
  | 'string'
  | 'map'
  | 'slice'
  | 'array'
  | 'struct'
  | 'ptr'
  | 'interface'
  | 'func'
  | 'chan'
  | 'unsafe.Pointer';

/** One method of the generated table: name, parameter and result type names. */
export interface MethodDesc {
  readonly n: string;
  readonly i: readonly string[] | null;
  readonly o: readonly string[] | null;
  readonly v?: boolean;
}

export interface OneofDesc {
  /** JSON name of the member field, wrapper type name, member Go name, member type. */
  readonly j: string;
  readonly w: string;
  readonly f: string;
  readonly t: string;
}

/** A field: Go name, JSON name, type, flags, and the proto name when it differs. */
export type FieldDesc = readonly [string, string, string, number, string?];

export interface TypeDesc {
  readonly k: string;
  readonly e?: string;
  readonly key?: string;
  readonly f?: readonly FieldDesc[];
  readonly o?: Readonly<Record<string, readonly OneofDesc[]>>;
  readonly mv?: readonly MethodDesc[];
  readonly mp?: readonly MethodDesc[];
  readonly en?: readonly (readonly [string, number])[];
  readonly pb?: string;
  readonly nm?: number;
}

export type TypeTable = Readonly<Record<string, TypeDesc>>;
export type FuncTable = Readonly<Record<string, MethodDesc>>;

export const FLAG = { omitEmpty: 1, embedded: 2, inline: 4, oneof: 8, noJSON: 16 } as const;

export interface Field {
  readonly name: string;
  readonly json: string;
  readonly protoName: string | undefined;
  readonly type: GoType;
  readonly flags: number;
  readonly oneof: readonly OneofDesc[] | undefined;
}

/** A field reached through embedded structs: the steps from the outer struct. */
export type FieldPath = readonly Field[];

const INT_KINDS = new Set<Kind>(['int', 'int8', 'int16', 'int32', 'int64']);
const UINT_KINDS = new Set<Kind>(['uint', 'uint8', 'uint16', 'uint32', 'uint64', 'uintptr']);

export class GoType {
  elem: GoType | undefined;
  key: GoType | undefined;
  fields: readonly Field[] = [];
  /** Methods of T (value receivers). */
  valueMethods: ReadonlyMap<string, MethodDesc> = new Map();
  /** Methods of *T: value and pointer receivers. */
  pointerMethods: ReadonlyMap<string, MethodDesc> = new Map();
  numMethod = 0;
  enumNames: ReadonlyMap<number, string> | undefined;
  enumValues: ReadonlyMap<string, number> | undefined;
  proto: string | undefined;
  private promoted: Map<string, FieldPath | null> | undefined;

  constructor(
    readonly name: string,
    readonly kind: Kind,
  ) {}

  get isInt(): boolean {
    return INT_KINDS.has(this.kind);
  }

  get isUint(): boolean {
    return UINT_KINDS.has(this.kind);
  }

  get isFloat(): boolean {
    return this.kind === 'float64' || this.kind === 'float32';
  }

  get isNumber(): boolean {
    return this.isInt || this.isUint || this.isFloat;
  }

  /** Go's "empty interface": any value is assignable to it. */
  get isEmptyInterface(): boolean {
    return this.kind === 'interface' && this.numMethod === 0;
  }

  /** reflect's FieldByName: direct fields first, then promoted ones by depth; ambiguous = none. */
  fieldByName(name: string): FieldPath | undefined {
    this.promoted ??= new Map();
    let found = this.promoted.get(name);
    if (found === undefined) {
      found = searchField(this, name);
      this.promoted.set(name, found);
    }
    return found ?? undefined;
  }
}

function structOf(t: GoType): GoType | undefined {
  if (t.kind === 'struct') return t;
  if (t.kind === 'ptr' && t.elem?.kind === 'struct') return t.elem;
  return undefined;
}

/** Breadth-first search through embedded structs, as reflect.Type.FieldByName does. */
function searchField(t: GoType, name: string): FieldPath | null {
  let level: FieldPath[] = [[]];
  const seen = new Set<GoType>();
  while (level.length > 0) {
    const matches: FieldPath[] = [];
    const next: FieldPath[] = [];
    for (const path of level) {
      const last = path[path.length - 1];
      const st = last === undefined ? t : structOf(last.type);
      if (st === undefined || seen.has(st)) continue;
      seen.add(st);
      for (const f of st.fields) {
        if (f.name === name) matches.push([...path, f]);
        else if (f.flags & FLAG.embedded) next.push([...path, f]);
      }
    }
    if (matches.length === 1) return matches[0] as FieldPath;
    if (matches.length > 1) return null;
    level = next;
  }
  return null;
}

const registry = new Map<string, GoType>();

const BASIC: readonly Kind[] = [
  'bool',
  'int',
  'int8',
  'int16',
  'int32',
  'int64',
  'uint',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
  'uintptr',
  'float32',
  'float64',
  'complex64',
  'complex128',
  'string',
];

function link(t: GoType, d: TypeDesc): void {
  if (d.e !== undefined) t.elem = typeNamed(d.e);
  if (d.key !== undefined) t.key = typeNamed(d.key);
  t.numMethod = d.nm ?? 0;
  t.proto = d.pb;
  const value = new Map((d.mv ?? []).map((m) => [m.n, m] as const));
  t.valueMethods = value;
  t.pointerMethods = new Map([...value, ...(d.mp ?? []).map((m) => [m.n, m] as const)]);
  if (d.en) {
    t.enumNames = new Map(d.en.map(([n, v]) => [v, n] as const));
    t.enumValues = new Map(d.en.map(([n, v]) => [n, v] as const));
  }
  t.fields = (d.f ?? []).map(([name, json, type, flags, protoName]) => ({
    name,
    json,
    protoName,
    flags,
    type: typeNamed(type),
    oneof: d.o?.[name],
  }));
}

/** Synthesises a type the table lacks: basic kinds and composites of known types. */
function synthesise(name: string): GoType {
  if ((BASIC as readonly string[]).includes(name)) return new GoType(name, name as Kind);
  if (name === 'interface {}') return new GoType(name, 'interface');
  if (name.startsWith('[]')) return withElem(new GoType(name, 'slice'), name.slice(2));
  if (name.startsWith('*')) return withElem(new GoType(name, 'ptr'), name.slice(1));
  const m = /^map\[([^\]]+)\](.+)$/.exec(name);
  if (m) {
    const t = withElem(new GoType(name, 'map'), m[2] as string);
    t.key = typeNamed(m[1] as string);
    return t;
  }
  throw new Error(`internal error: unknown Go type ${name}`);
}

function withElem(t: GoType, elem: string): GoType {
  registry.set(t.name, t);
  t.elem = typeNamed(elem);
  return t;
}

/** The type with this `%T` name, from the generated table or made on demand. */
export function typeNamed(name: string): GoType {
  const known = registry.get(name);
  if (known) return known;
  const d = Object.hasOwn(TYPES, name) ? TYPES[name] : undefined;
  if (d === undefined) {
    const t = synthesise(name);
    registry.set(name, t);
    return t;
  }
  const t = new GoType(name, d.k as Kind);
  registry.set(name, t);
  link(t, d);
  return t;
}

export const T = {
  bool: typeNamed('bool'),
  int: typeNamed('int'),
  int32: typeNamed('int32'),
  int64: typeNamed('int64'),
  uint8: typeNamed('uint8'),
  float64: typeNamed('float64'),
  string: typeNamed('string'),
  any: typeNamed('interface {}'),
  error: typeNamed('error'),
  anySlice: typeNamed('[]interface {}'),
  anyMap: typeNamed('map[string]interface {}'),
  stringMap: typeNamed('map[string]string'),
  stringSlice: typeNamed('[]string'),
  intSlice: typeNamed('[]int'),
  bytes: typeNamed('[]uint8'),
  /** The invalid (zero) reflect.Value's pseudo-type. */
  invalid: new GoType('<invalid>', 'invalid'),
} as const;

/** A struct type the table does not describe (protobuf oneof wrappers), registered once. */
export function structType(name: string, fields: readonly Field[]): GoType {
  const known = registry.get(name);
  if (known) return known;
  const t = new GoType(name, 'struct');
  t.fields = fields;
  registry.set(name, t);
  return t;
}

/** The type of the data every pod template runs with: *inject.SidecarTemplateData. */
export function rootType(): GoType {
  return typeNamed(ROOT_TYPE);
}

/** Whether a value of type `from` may be passed where `to` is expected (Go's assignability, simplified to what templates meet). */
export function assignable(from: GoType, to: GoType): boolean {
  if (from === to) return true;
  if (to.isEmptyInterface) return true;
  if (to.kind === 'interface') return to.name === 'error' && from.pointerMethods.has('Error') && from.valueMethods.has('Error');
  // Unnamed composite types with identical structure are identical (names are structural here).
  return from.name === to.name;
}
