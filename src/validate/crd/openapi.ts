// The OpenAPI layer of a CRD schema, compiled with ajv: a schema node is rewritten into the
// JSON Schema ajv understands (the Kubernetes extensions and documentation removed, formats
// reduced to those the API server checks), compiled once, and its errors are turned into
// field errors marked blocking as the API server marks them (§1.5 of the CRD notes).
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { INTEGER_FORMATS, STRING_FORMATS } from './formats.js';
import { fieldError, type FieldError, type Segment } from './paths.js';
import { compileMatcher, type Matcher } from './regex.js';
import type { SchemaNode } from './schema.js';

type Json = Record<string, unknown>;

const COPIED = [
  'enum',
  'pattern',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'minimum',
  'maximum',
  'required',
  'multipleOf',
  'uniqueItems',
] as const;

function formatFor(node: SchemaNode): string | undefined {
  const f = node.format;
  if (f === undefined) return undefined;
  // A format without a type (Gateway addresses: `anyOf: [{format: ipv4}, {format: ipv6}]`) applies to strings.
  if ((node.type === 'string' || node.type === undefined) && f in STRING_FORMATS) return f;
  if (node.type === 'integer' && f in INTEGER_FORMATS) return `k8s-${f}`;
  return undefined;
}

function typeOf(node: SchemaNode, out: Json): void {
  if (node['x-kubernetes-int-or-string'] === true) out['type'] = ['integer', 'string'];
  else if (node.type !== undefined && node.type !== '') out['type'] = node.type;
  if (node.nullable === true && out['type'] !== undefined) {
    out['nullable'] = true;
    if (Array.isArray(out['enum']) && !out['enum'].includes(null)) out['enum'] = [...out['enum'], null];
  }
}

const requiredOnly = (s: SchemaNode | undefined): string | undefined => (s && Object.keys(s).length === 1 && s.required?.length === 1 ? s.required[0] : undefined);

/**
 * Istio writes "at most one of a, b, …" (a proto oneof) as
 * `oneOf: [{not: {anyOf: [{required: [a]}, {required: [b]}, …]}}, {required: [a]}, {required: [b]}, …]`.
 * Evaluated as written that is 2n+1 subschemas per object; the equivalent `x-at-most-one`
 * keyword counts the fields once.
 */
export function atMostOne(oneOf: readonly SchemaNode[]): string[] | undefined {
  const [first, ...rest] = oneOf;
  const any = first && Object.keys(first).length === 1 ? first.not?.anyOf : undefined;
  if (!any || any.length !== rest.length || rest.length === 0) return undefined;
  const names = rest.map(requiredOnly);
  const listed = any.map(requiredOnly);
  if (names.some((n, i) => n === undefined || n !== listed[i])) return undefined;
  return names as string[];
}

function children(node: SchemaNode, out: Json): void {
  if (node.properties) out['properties'] = Object.fromEntries(Object.entries(node.properties).map(([k, s]) => [k, toJsonSchema(s)]));
  if (typeof node.additionalProperties === 'object') out['additionalProperties'] = toJsonSchema(node.additionalProperties);
  if (node.items) out['items'] = toJsonSchema(node.items);
  const exclusive = node.oneOf ? atMostOne(node.oneOf) : undefined;
  if (exclusive) out['x-at-most-one'] = exclusive;
  for (const k of ['allOf', 'anyOf', 'oneOf'] as const) {
    const list = node[k];
    if (list && !(k === 'oneOf' && exclusive)) out[k] = list.map(toJsonSchema);
  }
  if (node.not) out['not'] = toJsonSchema(node.not);
}

/** The node as plain JSON Schema for ajv. */
export function toJsonSchema(node: SchemaNode): Json {
  const out: Json = {};
  for (const k of COPIED) if (node[k] !== undefined) out[k] = node[k];
  typeOf(node, out);
  const format = formatFor(node);
  if (format) out['format'] = format;
  children(node, out);
  return out;
}

function regExp(): ((pattern: string) => Matcher) & { code: string } {
  return Object.assign((pattern: string) => compileMatcher(pattern), { code: 'meshgate.regexp' });
}

/** One ajv instance for a set of CRDs; schemas compile on it once each. */
export function newAjv(): Ajv {
  // optimize: false halves compile time (the optimiser only removes dead code from the generated functions).
  const ajv = new Ajv({
    allErrors: true,
    strict: false,
    allowUnionTypes: true,
    verbose: true,
    code: { regExp: regExp(), optimize: false },
    validateSchema: false,
    addUsedSchema: false,
  });
  for (const [name, check] of Object.entries(STRING_FORMATS)) ajv.addFormat(name, { type: 'string', validate: check });
  ajv.addKeyword({
    keyword: 'x-at-most-one',
    type: 'object',
    schemaType: 'array',
    errors: true,
    validate: function atMostOneOf(names: string[], data: Record<string, unknown>): boolean {
      // Runs for every object of a oneOf-style type, on every request: count without an array.
      let set = 0;
      for (const n of names) if (data[n] !== undefined && ++set > 1) return false;
      return true;
    },
  });
  for (const [name, [min, max]] of Object.entries(INTEGER_FORMATS)) {
    ajv.addFormat(`k8s-${name}`, { type: 'number', validate: (n: number) => n >= min && n <= max });
  }
  return ajv;
}

export type SchemaCheck = (value: unknown) => FieldError[];

/** Compiles the OpenAPI checks of `node` (usually the root of a version's schema). */
export function compileSchema(ajv: Ajv, node: SchemaNode): SchemaCheck {
  const validate = ajv.compile(toJsonSchema(node));
  return (value) => (validate(value) ? [] : toFieldErrors(validate, value));
}

function toFieldErrors(validate: ValidateFunction, value: unknown): FieldError[] {
  const raw = (validate.errors ?? []).filter((e) => !insideCombinator(e));
  return firstStringProblem(raw).map((e) => describe(e, value));
}

/** Errors of the branches of a failed oneOf/anyOf/not are summed up by the combinator's own error. */
function insideCombinator(e: ErrorObject): boolean {
  return /\/(oneOf|anyOf)\/\d+\/|\/not\//.test(e.schemaPath);
}

const STRING_ORDER = ['maxLength', 'minLength', 'pattern'];

/** For a string, only the first of maxLength, minLength and pattern to fail is reported. */
function firstStringProblem(errors: ErrorObject[]): ErrorObject[] {
  const seen = new Set<string>();
  const sorted = [...errors].sort((a, b) => rank(a) - rank(b));
  const drop = new Set<ErrorObject>();
  for (const e of sorted) {
    if (!STRING_ORDER.includes(e.keyword)) continue;
    if (seen.has(e.instancePath)) drop.add(e);
    seen.add(e.instancePath);
  }
  return errors.filter((e) => !drop.has(e));
}

function rank(e: ErrorObject): number {
  const i = STRING_ORDER.indexOf(e.keyword);
  return i < 0 ? 99 : i;
}

function segmentsOf(pointer: string): Segment[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => {
      const key = s.replace(/~1/g, '/').replace(/~0/g, '~');
      return /^(0|[1-9]\d*)$/.test(key) ? Number(key) : key;
    });
}

const BLOCKING = new Set(['type', 'required', 'enum', 'maxLength', 'maxItems', 'maxProperties']);

function describe(e: ErrorObject, root: unknown): FieldError {
  const segs = segmentsOf(e.instancePath);
  const value = valueAt(root, segs);
  if (e.keyword === 'required') {
    return fieldError([...segs, String(e.params['missingProperty'])], 'required field is missing', true);
  }
  const overflow = e.keyword === 'format' && String(e.params['format']).startsWith('k8s-');
  const blocking = BLOCKING.has(e.keyword) || (e.keyword === 'format' && !overflow);
  return fieldError(segs, messageFor(e, value), blocking);
}

function valueAt(root: unknown, segs: readonly Segment[]): unknown {
  let v: unknown = root;
  for (const s of segs) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[s] : undefined;
  return v;
}

/** What a JSON value is, in words. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'number') return Number.isInteger(v) ? `the number ${v}` : `the fraction ${v}`;
  return String(v);
}

const TYPE_WORDS: Readonly<Record<string, string>> = {
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  'integer,string': 'a whole number or a string',
};

function codePoints(v: unknown): number {
  return typeof v === 'string' ? [...v].length : 0;
}

function count(v: unknown): number {
  if (Array.isArray(v)) return v.length;
  return v !== null && typeof v === 'object' ? Object.keys(v).length : 0;
}

function messageFor(e: ErrorObject, value: unknown): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'type':
      return `must be ${TYPE_WORDS[String(p['type'])] ?? String(p['type'])}, not ${describeValue(value)}`;
    case 'enum':
      return `must be one of ${(p['allowedValues'] as unknown[])
        .filter((x) => x !== null)
        .map((x) => JSON.stringify(x))
        .join(', ')}; got ${describeValue(value)}`;
    case 'pattern':
      return `must match the pattern ${String(p['pattern'])}; got ${describeValue(value)}`;
    case 'maxLength':
      return `must be at most ${String(p['limit'])} characters long; this one has ${codePoints(value)}`;
    case 'minLength':
      return Number(p['limit']) === 1 ? 'must not be empty' : `must be at least ${String(p['limit'])} characters long; this one has ${codePoints(value)}`;
    case 'maxItems':
      return `must have at most ${String(p['limit'])} entries; it has ${count(value)}`;
    case 'minItems':
      return `must have at least ${String(p['limit'])} ${Number(p['limit']) === 1 ? 'entry' : 'entries'}; it has ${count(value)}`;
    case 'maxProperties':
      return `must have at most ${String(p['limit'])} entries; it has ${count(value)}`;
    case 'minProperties':
      return `must have at least ${String(p['limit'])} ${Number(p['limit']) === 1 ? 'entry' : 'entries'}; it has none`;
    case 'minimum':
      return `must be at least ${String(p['limit'])}; got ${describeValue(value)}`;
    case 'maximum':
      return `must be at most ${String(p['limit'])}; got ${describeValue(value)}`;
    case 'format':
      return formatMessage(String(p['format']), value);
    case 'oneOf':
      return combinatorMessage(e, value);
    case 'x-at-most-one':
      return exclusiveMessage(e.schema as string[], value);
    case 'anyOf':
      return 'does not match any of the shapes the schema allows here';
    case 'not':
      return 'has a combination of fields the schema does not allow here';
    default:
      return e.message ?? `fails the schema's ${e.keyword} check`;
  }
}

function formatMessage(format: string, value: unknown): string {
  if (format.startsWith('k8s-')) return `${describeValue(value)} is out of range for ${format.slice(4)}`;
  return `must be a valid ${format}; got ${describeValue(value)}`;
}

function exclusiveMessage(names: readonly string[], value: unknown): string {
  const present = value !== null && typeof value === 'object' ? names.filter((k) => k in value) : [];
  return `sets ${present.join(' and ')}, which exclude each other; at most one of ${names.join(', ')} may be set`;
}

/** Istio writes "at most one of a, b" as oneOf [not anyOf [required a, required b], required a, required b]. */
function combinatorMessage(e: ErrorObject, value: unknown): string {
  const passing = (e.params as { passingSchemas?: number[] | null }).passingSchemas;
  const branches = Array.isArray(e.schema) ? (e.schema as Json[]) : [];
  const named = branches.flatMap((b) => (Array.isArray(b['required']) ? (b['required'] as string[]) : []));
  const present = value !== null && typeof value === 'object' ? named.filter((k) => k in value) : [];
  if (Array.isArray(passing) && passing.length > 1) {
    return `sets ${present.join(' and ')}, which exclude each other; at most one of ${named.join(', ')} may be set`;
  }
  return 'does not match exactly one of the shapes the schema allows here';
}
