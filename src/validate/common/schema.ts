// Building blocks for zod schemas in the shape of the CRDs' OpenAPI: optional fields that treat
// null as absent (the API server prunes nulls), integer formats, enums, durations, bounded
// lists. zod-report.ts turns the issues into our messages.
import { z } from 'zod';
import { durationProblem, type DurationRules } from './duration.js';
import { boundedList } from './zod-report.js';

type Shape = Record<string, z.ZodType>;

/** A CRD object: fields optional (null counts as absent, as the API server prunes it) unless listed in `required`. */
export function obj(shape: Shape, required: readonly string[] = []): z.ZodType {
  const fields: Shape = {};
  for (const [key, schema] of Object.entries(shape)) {
    fields[key] = required.includes(key) ? schema : schema.nullish();
  }
  return z.strictObject(fields);
}

export const str = (): z.ZodString => z.string();
export const bool = (): z.ZodBoolean => z.boolean();
export const num = (): z.ZodNumber => z.number();
export const int32 = (): z.ZodNumber => z.number().int().min(-2147483648).max(2147483647);
export const uint32 = (): z.ZodNumber => z.number().int().min(0).max(4294967295);
export const port = (): z.ZodNumber => z.number().int().min(1).max(65535);
/** A list; with `max`, entries are still checked when there are too many (see boundedList). */
export const list = (item: z.ZodType, max?: number): z.ZodType => (max === undefined ? z.array(item) : boundedList(item, max));
export const strList = (max?: number): z.ZodType => list(z.string(), max);
export const map = (value: z.ZodType): z.ZodType => z.record(z.string(), value);
export const strMap = (): z.ZodType => map(z.string());
/** A free-form object the CRD keeps as is (`x-kubernetes-preserve-unknown-fields`). */
export const anyObject = (): z.ZodType => z.record(z.string(), z.unknown());
export const oneOf = <const T extends readonly [string, ...string[]]>(values: T): z.ZodType => z.enum(values);

/** A Go-syntax duration of at least 1ms in whole milliseconds. */
export function dur(rules: DurationRules = {}): z.ZodType {
  return z.string().superRefine((value, ctx) => {
    const problem = durationProblem(value, rules);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}

/** A string matching `pattern`, with a message saying what is expected. */
export function pattern(re: RegExp, message: string): z.ZodType {
  return z.string().regex(re, { message });
}
