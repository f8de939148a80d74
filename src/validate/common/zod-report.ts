// Runs a zod schema over raw input and reports in our words: zod's own messages are generic
// ("Invalid input: expected string, received number"), while a platform engineer needs to be
// told which field is wrong and what it should look like. Unknown keys inside the checked
// value are warnings, not errors: a newer CRD may add fields this release does not know, and
// the API server silently drops fields its schema lacks.
//
// Our wording is given to zod as a parse-level error map, so a schema's own message (a check's
// `error`, a refine's text, a "quote the port" hint on a schema) takes precedence over it and
// only zod's generic messages are replaced.
import { z } from 'zod';
import { at, type Collector } from '../issues.js';

type RawIssue = z.core.$ZodRawIssue;
type PathKey = PropertyKey;

/** zod's compiled validators (z.compile), one per schema, made on first use. */
const compiled = new WeakMap<z.ZodType, z.ZodType>();

function compiledForm(schema: z.ZodType): z.ZodType {
  let found = compiled.get(schema);
  if (!found) {
    found = z.compile(schema);
    compiled.set(schema, found);
  }
  return found;
}

/**
 * Parses `value` with `schema` and records every structural problem under `base`. Most objects
 * are valid, and zod's compiled validator (generated code, with zod's runtime as its fallback)
 * says so without the runtime parse, which builds a copy of the value and a result per field;
 * only a value it rejects is parsed for the issues.
 */
export function reportStructure(schema: z.ZodType, value: unknown, base: string, c: Collector): void {
  if (z.validate(compiledForm(schema), value)) return;
  const result = schema.safeParse(value, { error: ourMessage });
  if (result.success) return;
  for (const issue of result.error.issues) {
    const path = joinPath(base, issue.path);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) c.warn(fieldWarning(at(path, key), 'unknown field; the API server will drop it'));
      continue;
    }
    c.error(path || base, issue.message);
  }
}

export function joinPath(base: string, keys: readonly PathKey[]): string {
  return keys.reduce<string>((p, k) => at(p, typeof k === 'number' ? k : String(k)), base);
}

/** Warnings stay under 120 characters (kubectl prints each on one line). */
const WARNING_LIMIT = 119;

/** `path: text`, with the middle of a long path elided so the warning stays under 120 characters. */
export function fieldWarning(path: string, text: string): string {
  const room = WARNING_LIMIT - text.length - 2;
  if (path.length <= room) return `${path}: ${text}`;
  const keep = Math.max(room - 3, 0);
  return `${path.slice(0, Math.ceil(keep / 2))}...${path.slice(path.length - Math.floor(keep / 2))}: ${text}`;
}

/** What a JSON value is, in words: `a string`, `a list`, `null` … */
export function jsonKind(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'number') return Number.isInteger(v) ? `the number ${v}` : `the fraction ${v}`;
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  return `${typeof v} ${String(v)}`;
}

const EXPECTED: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'an object (a map of fields)',
  array: 'a list',
  record: 'a map of string keys to values',
};

/** Our wording for zod's generic messages; undefined keeps zod's own. */
function ourMessage(issue: RawIssue): string | undefined {
  const value = issue.input;
  if (value === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_value' || issue.code === 'invalid_union')) {
    return 'required field is missing';
  }
  switch (issue.code) {
    case 'invalid_type':
      return `must be ${EXPECTED[issue.expected] ?? issue.expected}, not ${jsonKind(value)}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}; got ${jsonKind(value)}`;
    case 'too_big':
      return sizeMessage(issue.inclusive === false ? 'less than' : 'at most', issue.origin, Number(issue.maximum), value);
    case 'too_small':
      return sizeMessage(issue.inclusive === false ? 'more than' : 'at least', issue.origin, Number(issue.minimum), value);
    case 'invalid_format':
      return issue.format === 'regex' && issue.pattern !== undefined ? `must match the pattern ${issue.pattern}` : undefined;
    case 'invalid_union':
      return `does not match any of the allowed shapes (got ${jsonKind(value)})`;
    default:
      return undefined;
  }
}

function sizeMessage(bound: string, origin: string, limit: number, value: unknown): string {
  if (origin === 'string' && typeof value === 'string') {
    if (limit === 1 && value.length === 0 && bound === 'at least') return 'must not be empty';
    return `must be ${bound} ${limit} characters long; this one has ${value.length}`;
  }
  if (origin === 'array' && Array.isArray(value)) return `must have ${bound} ${limit} entries; it has ${value.length}`;
  return `must be ${bound} ${limit}; got ${jsonKind(value)}`;
}

/**
 * A schema that zod compiles (z.compile) the first time it is used. For parts that the compiled
 * validator of an enclosing schema leaves to zod's runtime (checks with a custom `when`, such as
 * boundedList's), so that their contents still run compiled code; a rejected value falls back
 * to the runtime parser, which reports exactly as before.
 */
export function compiledOnUse<T extends z.ZodType>(schema: T): T {
  return z.lazy(() => z.compile(schema)) as unknown as T;
}

/**
 * A list with size bounds whose elements are still checked when the size is wrong (zod's own
 * `.min()`/`.max()` on arrays stop at the size and hide every problem inside the entries).
 */
export function boundedList<T extends z.ZodType>(element: T, max: number, min = 0): z.ZodType<z.output<T>[], z.input<T>[]> {
  const always = { when: (): boolean => true };
  return z
    .array(compiledOnUse(element))
    .refine((list) => !Array.isArray(list) || list.length <= max, { ...always, error: (iss) => `must have at most ${max} ${max === 1 ? 'entry' : 'entries'}; it has ${lengthOf(iss.input)}` })
    .refine((list) => !Array.isArray(list) || list.length >= min, { ...always, error: (iss) => (min === 1 ? 'must have at least one entry' : `must have at least ${min} entries; it has ${lengthOf(iss.input)}`) });
}

function lengthOf(v: unknown): number {
  return Array.isArray(v) ? v.length : 0;
}
