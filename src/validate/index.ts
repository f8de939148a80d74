export { createValidators, groupOf } from './registry.js';
export type { Outcome, ValidationRequest, Validators } from './registry.js';
export { crdSet, type CrdSet, type ServedKind } from './crd/crd-set.js';
export { isCrdObject, CrdError } from './crd/schema.js';
export { DEFAULT_SETTINGS, type ValidationSettings, type RegexCheck } from './framework.js';
export type { FieldValidation } from './crd/compile.js';
export type { Issue, Report, KubeObject } from './issues.js';
