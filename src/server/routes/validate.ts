// POST /validate — the validating webhook. Kinds are looked up by API group and kind,
// whatever the version; kinds meshgate does not know, DELETE and CONNECT are allowed. The
// denial lists every problem: `<Kind> <ns>/<name> is invalid: <path>: <message>; ...`.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { allowed, denied, errored, type AdmissionReviewOut } from '../../admission/respond.js';
import type { Issue, KubeObject, Report } from '../../validate/index.js';
import { lookup } from '../../validate/index.js';
import type { Metrics } from '../metrics.js';
import { decode, elapsed, identity, type Decoded } from './common.js';

export interface ValidateRouteDeps {
  readonly metrics: Metrics;
}

/** The denial text kubectl shows after `denied the request: `. */
export function denialMessage(kind: string, ns: string, name: string, errors: readonly Issue[]): string {
  const who = ns ? `${ns}/${name}` : name;
  const issues = errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message));
  return `${kind} ${who} is invalid: ${issues.join('; ')}`;
}

interface Verdict {
  readonly body: AdmissionReviewOut;
  readonly decision: string;
}

function judge(d: Decoded, report: Report, deps: ValidateRouteDeps): Verdict {
  const r = d.review.request;
  const { group, version, resource } = r.resource;
  if (report.errors.length === 0) {
    deps.metrics.validationPassed(group, version, resource);
    return { body: allowed(d.echo, report.warnings), decision: 'allow' };
  }
  deps.metrics.validationFailed(group, version, resource, 'invalid_resource');
  const { name, namespace } = identity(d.review);
  const message = denialMessage(r.kind.kind, namespace, name, report.errors);
  return { body: denied(d.echo, message, { code: 422, reason: 'Invalid', warnings: report.warnings }), decision: 'deny' };
}

function verdict(d: Decoded, deps: ValidateRouteDeps): Verdict {
  const r = d.review.request;
  if (r.operation === 'DELETE' || r.operation === 'CONNECT') return { body: allowed(d.echo), decision: 'allow:operation' };
  const validator = lookup(r.kind.group, r.kind.kind);
  if (!validator) return { body: allowed(d.echo), decision: 'allow:unknown_kind' };
  if (r.object === null || typeof r.object !== 'object' || Array.isArray(r.object)) {
    deps.metrics.validationFailed(r.resource.group, r.resource.version, r.resource.resource, 'no_object');
    return { body: denied(d.echo, 'request.object is missing or not an object', { code: 400, reason: 'BadRequest' }), decision: 'deny:no_object' };
  }
  try {
    return judge(d, validator(r.object as KubeObject), deps);
  } catch (err) {
    d.log.error({ err }, 'validation failed unexpectedly');
    deps.metrics.validationFailed(r.resource.group, r.resource.version, r.resource.resource, 'internal');
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
    d.log.info({ decision: v.decision, durationMs: Math.round(seconds * 1e6) / 1e3, dryRun: d.review.request.dryRun === true }, 'validate');
    return v.body;
  };
  return async (app: FastifyInstance): Promise<void> => {
    app.post('/validate', handler);
    app.post('/validate/*', handler);
  };
}
