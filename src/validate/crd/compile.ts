// One served version of a CRD, compiled: decode (prune, drop nulls, default), metadata, the
// OpenAPI checks (ajv), list-type uniqueness and the CEL rules, run in the API server's order.
// CEL is skipped after a blocking error, with a note saying so. On UPDATE, errors on parts the
// update left unchanged are ratcheted away.
import type { Ajv } from 'ajv';
import { compileRules, type RuleContext } from './cel/rules.js';
import { compileListTypes } from './list-type.js';
import { checkMetadata, decodeMetadata } from './metadata.js';
import { compileSchema, type SchemaCheck } from './openapi.js';
import { fieldError, type FieldError, type Segment } from './paths.js';
import { compileNavigator, ratchet, type Navigator } from './ratchet.js';
import type { Crd, CrdVersion, SchemaNode } from './schema.js';
import { compileDecoder, type Decoder } from './structural.js';
import type { Visit } from './visit.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface StructuralInput {
  readonly object: Record<string, unknown>;
  /** The stored object, on UPDATE. */
  readonly oldObject?: Record<string, unknown> | undefined;
  readonly fieldValidation: FieldValidation;
}

export interface StructuralResult {
  /** The object as the API server would store it: pruned, nulls dropped, defaulted, no status. */
  readonly decoded: Record<string, unknown>;
  readonly errors: FieldError[];
  readonly warnings: string[];
}

export interface CompiledVersion {
  readonly crd: Crd;
  readonly version: CrdVersion;
  run(input: StructuralInput): StructuralResult;
}

const ROOT_KEYS = new Set(['apiVersion', 'kind', 'metadata']);

/** The root schema without `metadata` (ObjectMeta is decoded on its own). */
function rootForDecode(schema: SchemaNode): SchemaNode {
  const props = { ...(schema.properties ?? {}) };
  delete props['metadata'];
  return { ...schema, type: 'object', properties: props };
}

/** The root schema for the checks: `status` is dropped before validation, so its schema is never needed. */
function rootForChecks(schema: SchemaNode, hasStatus: boolean): SchemaNode {
  if (!hasStatus) return schema;
  const props = { ...(schema.properties ?? {}) };
  delete props['status'];
  return { ...schema, properties: props };
}

interface Parts {
  readonly decode: Decoder;
  readonly check: SchemaCheck;
  readonly lists: Visit<FieldError[]> | undefined;
  readonly rules: Visit<RuleContext> | undefined;
  readonly nav: Navigator;
}

function decodeRoot(parts: Parts, crd: Crd, input: StructuralInput, unknown: Segment[][]): Record<string, unknown> {
  const sink = (segs: readonly Segment[]): void => void unknown.push([...segs]);
  const { metadata, ...rest } = input.object;
  const decoded = parts.decode(rest, [], (segs) => {
    if (!(segs.length === 1 && ROOT_KEYS.has(String(segs[0])))) sink(segs);
  }) as Record<string, unknown>;
  for (const k of ['apiVersion', 'kind'] as const) if (k in input.object) decoded[k] = input.object[k];
  if (metadata !== undefined) decoded['metadata'] = decodeMetadata(metadata, crd.namespaced, sink);
  return decoded;
}

function unknownFields(paths: Segment[][], mode: FieldValidation, version: string, crd: Crd): { errors: FieldError[]; warnings: string[] } {
  const sorted = paths.map((p) => ({ p, text: p.join('.') })).sort((a, b) => a.text.localeCompare(b.text));
  const what = `the ${crd.kind} ${version} schema has no such field`;
  const hint = (p: Segment[]): string => (p.length === 1 ? '; is it meant to be under spec?' : '');
  if (mode === 'Strict') return { errors: sorted.map(({ p }) => fieldError(p, `unknown field (${what}${hint(p)})`, false, 'never')), warnings: [] };
  if (mode === 'Warn') return { errors: [], warnings: sorted.map(({ text }) => `unknown field "${text}" dropped (${what})`) };
  return { errors: [], warnings: [] };
}

const NOT_CHECKED = 'some validation rules (x-kubernetes-validations) were not checked because of the errors above; correct them to complete validation';

function validateDecoded(parts: Parts, decoded: Record<string, unknown>, input: StructuralInput, warnings: string[]): FieldError[] {
  const errors: FieldError[] = [];
  checkMetadata(decoded['metadata'], errors);
  errors.push(...parts.check(decoded));
  const oldDecoded = input.oldObject;
  parts.lists?.(decoded, undefined, [], errors);
  const schemaErrors = oldDecoded ? ratchet(errors, parts.nav, decoded, oldDecoded) : errors;
  if (schemaErrors.some((e) => e.blocking)) {
    if (parts.rules) schemaErrors.push(fieldError(['spec'], NOT_CHECKED, false, 'never'));
    return schemaErrors;
  }
  const ctx: RuleContext = { errors: schemaErrors, warnings, update: oldDecoded !== undefined };
  parts.rules?.(decoded, oldDecoded, [], ctx);
  return schemaErrors;
}

/** Compiles one served version. */
export function compileVersion(ajv: Ajv, crd: Crd, version: CrdVersion): CompiledVersion {
  const checked = rootForChecks(version.schema, version.hasStatus);
  const parts: Parts = {
    decode: compileDecoder(rootForDecode(version.schema)),
    check: compileSchema(ajv, checked),
    lists: compileListTypes(checked),
    rules: compileRules(checked),
    nav: compileNavigator(checked),
  };
  return {
    crd,
    version,
    run(input) {
      const unknown: Segment[][] = [];
      const decoded = decodeRoot(parts, crd, input, unknown);
      if (version.hasStatus) delete decoded['status'];
      const oldDecoded = input.oldObject ? (decodeRoot(parts, crd, { ...input, object: input.oldObject }, []) as Record<string, unknown>) : undefined;
      if (oldDecoded && version.hasStatus) delete oldDecoded['status'];
      const strict = unknownFields(unknown, input.fieldValidation, version.name, crd);
      const warnings = [...strict.warnings];
      const errors = validateDecoded(parts, decoded, { ...input, oldObject: oldDecoded }, warnings);
      return { decoded, errors: [...strict.errors, ...errors], warnings };
    },
  };
}
