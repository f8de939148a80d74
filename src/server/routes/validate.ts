// POST /validate — the validating webhook, as a plain function from the request to a verdict,
// over the same validator as the CLI (the CRDs, then istiod's and meshgate's rules), with the
// stored object on UPDATE for ratcheting and transition rules. Kinds no CRD defines, DELETE and
// CONNECT are allowed. The denial lists every problem:
// `<Kind> <ns>/<name> is invalid: <path>: <message>; ...`, and carries an Event for the object.
import { allowed, denied, errored } from '../../admission/respond.js';
import { objectRef } from '../../admission/notice.js';
import type { Issue } from '../../validate/index.js';
import type { AdmissionAnalysis } from '../../cluster/analysis-warnings.js';
import type { ValidatorsRef } from '../engines.js';
import type { Metrics } from '../metrics.js';
import type { AdmissionCall, AdmissionRoute, Verdict } from './admission.js';

export interface ValidateRouteDeps {
  readonly metrics: Metrics;
  /** The compiled CRD validator; replaced whole when cluster mode follows a CRD change. */
  readonly validators: ValidatorsRef;
  /** Cluster mode: findings of the analyzer for an admitted object, added as warnings (never a denial). */
  readonly analysis?: AdmissionAnalysis;
}

/** The analyzer's warnings for an object being admitted; a failure of the analysis only costs its warnings. */
function analysisWarnings(call: AdmissionCall, deps: ValidateRouteDeps): string[] {
  if (!deps.analysis) return [];
  try {
    return deps.analysis.warningsFor(call.request.object, call.request.namespace ?? '');
  } catch (err) {
    call.log.warn({ err, uid: call.request.uid }, 'analysis failed; the object is admitted without its warnings');
    return [];
  }
}

/** The denial text kubectl shows after `denied the request: `. */
export function denialMessage(kind: string, ns: string, name: string, errors: readonly Issue[]): string {
  const who = ns ? `${ns}/${name}` : name;
  const issues = errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message));
  return `${kind} ${who} is invalid: ${issues.join('; ')}`;
}

const KNOWN_VERSIONS = new Set(['v1', 'v1beta1', 'v1alpha1', 'v1alpha2', 'v1alpha3']);

/**
 * Metric labels for a request: the group and kind are known (a validator exists), the version
 * is one of the served ones, and the resource is derived from the kind — never the client's
 * strings, which would let any caller grow the label set without bound.
 */
export function metricLabels(group: string, version: string, kind: string): { group: string; version: string; resource: string } {
  const lower = kind.toLowerCase();
  const resource = /[^aeiou]y$/.test(lower) ? `${lower.slice(0, -1)}ies` : lower.endsWith('s') ? `${lower}es` : `${lower}s`;
  return { group, version: KNOWN_VERSIONS.has(version) ? version : 'other', resource };
}

function invalid(call: AdmissionCall, errors: readonly Issue[], warnings: readonly string[]): Verdict {
  const r = call.request;
  const message = denialMessage(r.kind.kind, call.namespace, call.name, errors);
  const fallback = { apiVersion: r.kind.group ? `${r.kind.group}/${r.kind.version}` : r.kind.version, kind: r.kind.kind, namespace: call.namespace, name: call.name };
  // On UPDATE the stored object (with its uid) is the one `kubectl describe` shows.
  const object = objectRef(r.operation === 'UPDATE' && r.oldObject ? r.oldObject : r.object, fallback);
  return {
    body: denied(call.echo, message, { code: 422, reason: 'Invalid', warnings }),
    decision: 'deny',
    reason: 'invalid_resource',
    message,
    notice: { type: 'Warning', reason: 'ValidationDenied', message, object },
  };
}

function decide(call: AdmissionCall, deps: ValidateRouteDeps): Verdict {
  const r = call.request;
  if (r.operation === 'DELETE' || r.operation === 'CONNECT') return { body: allowed(call.echo), decision: 'allow', reason: 'unsupported_operation' };
  const validators = deps.validators.get();
  if (!validators.knows(r.kind.group, r.kind.kind)) return { body: allowed(call.echo), decision: 'allow', reason: 'unknown_kind' };
  if (r.object === null || typeof r.object !== 'object' || Array.isArray(r.object)) {
    const message = 'request.object is missing or not an object';
    return { body: denied(call.echo, message, { code: 400, reason: 'BadRequest' }), decision: 'deny', reason: 'yaml_decode_error', message };
  }
  const oldObject = r.operation === 'UPDATE' ? r.oldObject : undefined;
  const outcome = validators.validate({ object: r.object, oldObject });
  if (!outcome.checked) return { body: allowed(call.echo), decision: 'allow', reason: 'unknown_kind' };
  if (outcome.errors.length > 0) return invalid(call, outcome.errors, outcome.warnings);
  return { body: allowed(call.echo, [...outcome.warnings, ...analysisWarnings(call, deps)]), decision: 'allow' };
}

/**
 * Istio's meaning of the validation metrics (pkg/webhooks/validation/server): passed counts
 * valid objects, dry runs included; failed counts rejections by reason, and DELETE/CONNECT as
 * `unsupported_operation`, never for dry runs. Kinds meshgate does not check count in neither.
 */
function observe(deps: ValidateRouteDeps, call: AdmissionCall, v: Verdict, seconds: number): void {
  const metrics = deps.metrics;
  metrics.validationTime(seconds);
  const r = call.request;
  if (v.reason === 'unknown_kind' || !deps.validators.get().knows(r.kind.group, r.kind.kind)) return;
  const l = metricLabels(r.kind.group, r.kind.version, r.kind.kind);
  if (v.decision === 'allow' && v.reason === undefined) metrics.validationPassed(l.group, l.version, l.resource);
  else if (r.dryRun !== true) metrics.validationFailed(l.group, l.version, l.resource, v.reason ?? 'internal');
}

export function validateRoute(deps: ValidateRouteDeps): AdmissionRoute {
  return {
    name: 'validate',
    paths: ['/validate', '/validate/*'],
    decide: (call) => decide(call, deps),
    internalError: (call) => ({
      body: errored(call.echo, `meshgate could not validate this object because of an internal error (request ${call.echo.uid}); see the meshgate logs`),
      decision: 'error',
      reason: 'internal',
    }),
    observe: (call, v, seconds) => observe(deps, call, v, seconds),
  };
}
