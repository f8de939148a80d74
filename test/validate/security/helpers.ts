// The Istio security, telemetry and extensions families' adapters over the shared validator test
// helpers (test/helpers/validation.ts): objects by API version and kind, and their typical values.
import type { KubeObject, Validator } from '../../../src/validate/issues.js';
import { assertTotalOver, resourceOf } from '../../helpers/validation.js';

export { issue, matching } from '../../helpers/validation.js';

/** A resource of `kind` with the given spec (omitted when undefined) and optional annotations. */
export function resource(apiVersion: string, kind: string, spec: unknown, annotations?: Record<string, string>): KubeObject {
  return resourceOf(apiVersion, kind, spec, annotations ? { annotations } : {});
}

const VALUES = ['', '*', '80', 'STRICT', 'CUSTOM', 'DENY', 'a/b', '1.2.3.4/8'];

/** The property every validator must hold: it never throws, and each issue names a field. */
export function assertTotal(validate: Validator, apiVersion: string, kind: string, keys: readonly string[]): void {
  assertTotalOver(validate, { apiVersion, kind, keys, values: VALUES, numRuns: 400 });
}
