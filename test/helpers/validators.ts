// The validator the CLI and the webhook use, over the bundled CRDs (crds/index.json), for
// tests: one instance per settings, built on first use. `validateObject` validates any object
// by its kind; the per-kind names below are that same function, named for readability.
import { bundledCrds, validatorsFor } from '../../src/crds.js';
import { DEFAULT_SETTINGS, type Outcome, type ValidationSettings, type Validators } from '../../src/validate/index.js';
import { expect } from 'vitest';
import type { Issue, KubeObject, Report } from '../../src/validate/issues.js';

const cache = new Map<string, Validators>();
let crds: unknown[] | undefined;

export function testValidators(settings: Partial<ValidationSettings> = {}): Validators {
  const full = { ...DEFAULT_SETTINGS, ...settings };
  const key = JSON.stringify(full);
  let v = cache.get(key);
  if (!v) {
    crds ??= bundledCrds();
    v = validatorsFor(full, crds);
    cache.set(key, v);
  }
  return v;
}

/** The report for one object (an unchecked kind reports nothing). */
export function validateObject(obj: KubeObject, oldObject?: KubeObject): Report {
  const outcome = testValidators().validate({ object: obj, oldObject });
  return outcome.checked ? { errors: outcome.errors, warnings: outcome.warnings } : { errors: [], warnings: [] };
}

export const validateVirtualService = validateObject;
export const validateDestinationRule = validateObject;
export const validateGateway = validateObject;
export const validateServiceEntry = validateObject;
export const validateSidecar = validateObject;
export const validateEnvoyFilter = validateObject;
export const validateWorkloadEntry = validateObject;
export const validateWorkloadGroup = validateObject;
export const validateAuthorizationPolicy = validateObject;
export const validatePeerAuthentication = validateObject;
export const validateRequestAuthentication = validateObject;
export const validateTelemetry = validateObject;
export const validateProxyConfig = validateObject;
export const validateWasmPlugin = validateObject;
export const validateHTTPRoute = validateObject;
export const validateGRPCRoute = validateObject;
export const validateTCPRoute = validateObject;
export const validateTLSRoute = validateObject;
export const validateUDPRoute = validateObject;
export const validateGatewayClass = validateObject;
export const validateReferenceGrant = validateObject;
export const validateBackendTLSPolicy = validateObject;
export const validateListenerSet = validateObject;

/** The full outcome (checked or not) for one object. */
export function outcomeOf(obj: KubeObject, oldObject?: KubeObject): Outcome {
  return testValidators().validate({ object: obj, oldObject });
}

/**
 * Every expected issue's field is reported — with the expected message when a hand-written
 * rule finds it, or in the CRD layer's words when the schema or a CEL rule does (structure is
 * the CRD's job now); no expected issues means no errors at all.
 */
export function expectIssues(actual: readonly Issue[], expected: readonly Issue[]): void {
  if (expected.length === 0) return void expect(actual).toEqual([]);
  expect(actual.length).toBeGreaterThan(0);
  for (const e of expected) expect(actual.map((a) => a.path)).toContain(e.path);
}
