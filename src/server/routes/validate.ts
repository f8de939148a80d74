// POST /validate — the validating webhook, over the same validator as the CLI (the CRDs, then
// istiod's and meshgate's rules), with the stored object on UPDATE for ratcheting and
// transition rules. Kinds no CRD defines, DELETE and CONNECT are allowed. The denial lists
// every problem: `<Kind> <ns>/<name> is invalid: <path>: <message>; ...`.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { allowed, denied, errored, type AdmissionReviewOut } from '../../admission/respond.js';
import type { Issue, Report } from '../../validate/index.js';
import type { AdmissionAnalysis } from '../../cluster/analysis-warnings.js';
import type { ValidatorsRef } from '../engines.js';
import type { Metrics } from '../metrics.js';
import { decode, elapsed, identity, logDecision, type Decoded } from './common.js';

export interface ValidateRouteDeps {
  readonly metrics: Metrics;
  readonly validators: ValidatorsRef;
  /** Cluster mode: findings of the analyzer for an admitted object, added as warnings (never a denial). */
  readonly analysis?: AdmissionAnalysis;
}

/** The analyzer's warnings for an object being admitted; a failure of the analysis only costs its warnings. */
function analysisWarnings(d: Decoded, deps: ValidateRouteDeps): string[] {
  if (!deps.analysis) return [];
  try {
    return deps.analysis.warningsFor(d.review.request.object, d.review.request.namespace ?? '');
  } catch (err) {
    d.log.warn({ err }, 'analysis failed; the object is admitted without its warnings');
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

interface Verdict {
  readonly body: AdmissionReviewOut;
  readonly decision: string;
}

function judge(d: Decoded, report: Report, deps: ValidateRouteDeps): Verdict {
  const r = d.review.request;
  const { group, version, resource } = metricLabels(r.kind.group, r.kind.version, r.kind.kind);
  if (report.errors.length === 0) {
    deps.metrics.validationPassed(group, version, resource);
    return { body: allowed(d.echo, [...report.warnings, ...analysisWarnings(d, deps)]), decision: 'allow' };
  }
  deps.metrics.validationFailed(group, version, resource, 'invalid_resource');
  const { name, namespace } = identity(d.review);
  const message = denialMessage(r.kind.kind, namespace, name, report.errors);
  return { body: denied(d.echo, message, { code: 422, reason: 'Invalid', warnings: report.warnings }), decision: 'deny' };
}

function verdict(d: Decoded, deps: ValidateRouteDeps): Verdict {
  const r = d.review.request;
  if (r.operation === 'DELETE' || r.operation === 'CONNECT') return { body: allowed(d.echo), decision: 'allow:operation' };
  if (!deps.validators.get().knows(r.kind.group, r.kind.kind)) return { body: allowed(d.echo), decision: 'allow:unknown_kind' };
  if (r.object === null || typeof r.object !== 'object' || Array.isArray(r.object)) {
    const l = metricLabels(r.kind.group, r.kind.version, r.kind.kind);
    deps.metrics.validationFailed(l.group, l.version, l.resource, 'no_object');
    return { body: denied(d.echo, 'request.object is missing or not an object', { code: 400, reason: 'BadRequest' }), decision: 'deny:no_object' };
  }
  try {
    const oldObject = r.operation === 'UPDATE' ? r.oldObject : undefined;
    const outcome = deps.validators.get().validate({ object: r.object, oldObject });
    if (!outcome.checked) return { body: allowed(d.echo), decision: 'allow:unknown_kind' };
    return judge(d, outcome, deps);
  } catch (err) {
    d.log.error({ err }, 'validation failed unexpectedly');
    const l = metricLabels(r.kind.group, r.kind.version, r.kind.kind);
    deps.metrics.validationFailed(l.group, l.version, l.resource, 'internal');
    return { body: errored(d.echo, `meshgate could not validate this object because of an internal error (request ${d.echo.uid}); see the meshgate logs`), decision: 'error' };
  }
}

export function validateRoutes(deps: ValidateRouteDeps) {
  const handler = async (request: FastifyRequest): Promise<AdmissionReviewOut> => {
    const start = process.hrtime.bigint();
    const d = decode(request);
    const v = verdict(d, deps);
    const seconds = elapsed(start);
    deps.metrics.validationTime(seconds);
    logDecision(request, d, v.decision, seconds, 'validate');
    return v.body;
  };
  return async (app: FastifyInstance): Promise<void> => {
    app.post('/validate', handler);
    app.post('/validate/*', handler);
  };
}
