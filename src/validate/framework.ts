// The one shape every kind's hand-written rules take. The CRD layer (./crd) has already
// decoded the object as the API server would store it (pruned, nulls dropped, defaulted), so
// rules read the same object the API server hands istiod; on UPDATE they also get the old one.
import type { FieldValidation } from './crd/compile.js';
import type { Mapping } from '../lib/json.js';
import type { Collector } from './issues.js';

/** How meshgate's own regular-expression rule (docs/validation.md, `re2-regex`) reports. */
export type RegexCheck = 'deny' | 'warn';

export interface ValidationSettings {
  /** Unknown fields: errors (kubectl's default), warnings, or silently dropped. */
  readonly fieldValidation: FieldValidation;
  readonly regexCheck: RegexCheck;
}

export const DEFAULT_SETTINGS: ValidationSettings = Object.freeze({ fieldValidation: 'Strict', regexCheck: 'deny' });

export interface SemanticContext {
  readonly c: Collector;
  /** The decoded object; `spec` is its spec when that is an object. */
  readonly object: Mapping;
  readonly spec: Mapping | undefined;
  readonly version: string;
  readonly name: string;
  readonly namespace: string;
  readonly annotations: Readonly<Record<string, unknown>>;
  readonly labels: Readonly<Record<string, unknown>>;
  /** The stored object, on UPDATE (decoded the same way). */
  readonly oldObject: Mapping | undefined;
  readonly settings: ValidationSettings;
}

/** A kind's hand-written rules (istiod's, and meshgate's documented ones). */
export type KindRules = (ctx: SemanticContext) => void;
