// The structural layer for the security, telemetry and extensions kinds: zod schemas checked
// with messages a platform engineer can act on, and unknown spec fields reported as warnings
// (a newer CRD may know them; the API server drops fields it does not know).
import { z } from 'zod';
import { at, type Collector } from '../issues.js';
import { durationProblem } from '../common/duration.js';

type RawIssue = z.core.$ZodRawIssue;

/** Runs `schema` over `value` (found at `base`) and reports what it finds into `c`. */
export function checkStructure(schema: z.ZodType, value: unknown, base: string, c: Collector): void {
  const result = schema.safeParse(value, { error: issueMessage });
  if (result.success) return;
  for (const issue of result.error.issues) {
    const path = issue.path.reduce<string>((p, k) => at(p, typeof k === 'number' ? k : String(k)), base);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) c.warn(fieldWarning(at(path, key), 'unknown field (the API server will drop it)'));
    } else {
      c.error(path, issue.message);
    }
  }
}

const WARNING_LIMIT = 119;

/** `path: text`, with the middle of a long path elided so the warning stays under 120 characters. */
export function fieldWarning(path: string, text: string): string {
  const room = WARNING_LIMIT - text.length - 2;
  if (path.length <= room) return `${path}: ${text}`;
  const keep = Math.max(room - 3, 0);
  return `${path.slice(0, Math.ceil(keep / 2))}...${path.slice(path.length - Math.floor(keep / 2))}: ${text}`;
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'an object (a map of fields)',
  record: 'a map of names to values',
  array: 'a list',
};

const SIZE_MESSAGES: Readonly<Record<string, (n: string, big: boolean) => string>> = {
  string: (n, big) => (big ? `must be at most ${n} characters long` : n === '1' ? 'must not be empty' : `must be at least ${n} characters long`),
  number: (n, big) => (big ? `must be at most ${n}` : `must be at least ${n}`),
  int: (n, big) => (big ? `must be at most ${n}` : `must be at least ${n}`),
  array: (n, big) => (big ? `may have at most ${n} entries` : `must have at least ${n} entries`),
};

/** Our wording for zod's generic messages; undefined keeps zod's own. */
function issueMessage(iss: RawIssue): string | undefined {
  switch (iss.code) {
    case 'invalid_type':
      if (iss.input === undefined) return 'is required';
      return `must be ${TYPE_NAMES[iss.expected] ?? iss.expected}, not ${describeValue(iss.input)}`;
    case 'invalid_value':
      return `must be one of ${iss.values.map((v) => String(v)).join(', ')}; got ${describeValue(iss.input)}`;
    case 'too_small':
    case 'too_big': {
      const sized = SIZE_MESSAGES[iss.origin];
      const limit = String(iss.code === 'too_big' ? iss.maximum : iss.minimum);
      return sized ? sized(limit, iss.code === 'too_big') : undefined;
    }
    case 'invalid_format':
      return iss.format === 'regex' ? `must match the pattern ${iss.pattern ?? ''}` : undefined;
    case 'invalid_union':
      return 'does not have any of the accepted shapes';
    default:
      return undefined;
  }
}

/** A short, readable rendering of a raw JSON value for messages. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  if (typeof v === 'number') return `the number ${v}`;
  return String(v);
}

/** A list whose length limit is checked without hiding the errors of its items. */
export function listOf<T extends z.ZodType>(item: T, maxItems?: number): z.ZodType<unknown> {
  const list = z.array(item);
  if (maxItems === undefined) return list;
  // `when` lets the limit be checked even when some items are wrong; the predicate then sees raw input.
  return list.refine((items: unknown) => !Array.isArray(items) || items.length <= maxItems, {
    when: () => true,
    error: (iss) => `may have at most ${maxItems} entries; it has ${Array.isArray(iss.input) ? iss.input.length : 'more'}`,
  });
}

/** A non-empty string. */
export function text(): z.ZodString {
  return z.string().min(1);
}

/** A list of strings, optionally non-empty each. */
export function strings(nonEmptyItems = false, maxItems?: number): z.ZodType<unknown> {
  return listOf(nonEmptyItems ? text() : z.string(), maxItems);
}

/** Optional booleans the CRDs mark nullable (wrapper types such as BoolValue). */
export function nullableBool(): z.ZodType<unknown> {
  return z.boolean().nullable().optional();
}

/** A duration field: Go syntax, at least 1ms, whole milliseconds (common/duration.ts). */
export function checkDuration(value: unknown, path: string, c: Collector): void {
  const problem = typeof value === 'string' ? durationProblem(value) : undefined;
  if (problem) c.error(path, problem);
}
