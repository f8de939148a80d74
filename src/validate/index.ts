export { validateObject, knownKinds, lookup, groupOf } from './registry.js';
export type { Outcome } from './registry.js';
export type { Issue, Report, KubeObject, Validator } from './issues.js';
