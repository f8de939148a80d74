// POST /inject and /inject/* — the mutating webhook. Decodes the review, runs the injection
// pipeline on the raw Pod and answers with a JSON patch, a skip (with the reason as a
// warning) or a denial. Anything the pipeline throws becomes an errored response (HTTP 200).
import type { NamespaceLookup } from '../../cluster/namespaces.js';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { denied, errored, allowed, patched, type AdmissionReviewOut } from '../../admission/respond.js';
import type { InjectOutcome } from '../../inject/types.js';
import type { Metrics } from '../metrics.js';
import type { InjectorRef } from '../engines.js';
import { pathEnv } from '../inject-path.js';
import { decode, elapsed, logDecision, type Decoded } from './common.js';

export interface InjectRouteDeps {
  readonly injector: InjectorRef;
  readonly metrics: Metrics;
  /** The Pod's Namespace, when the injector needs it (cluster mode on OpenShift). */
  readonly namespaces?: NamespaceLookup;
}

function respond(d: Decoded, outcome: InjectOutcome, metrics: Metrics): AdmissionReviewOut {
  switch (outcome.kind) {
    case 'inject':
      return patched(d.echo, outcome.patch, outcome.warnings);
    case 'skip':
      metrics.injectionSkip(outcome.reason);
      return allowed(d.echo, [`meshgate: sidecar not injected: ${outcome.message}`]);
    case 'deny':
      metrics.injectionFailure(outcome.reason);
      return denied(d.echo, outcome.message, { code: 400, reason: 'BadRequest' });
  }
}

function decision(outcome: InjectOutcome): string {
  return outcome.kind === 'skip' ? `skip:${outcome.reason}` : outcome.kind === 'deny' ? `deny:${outcome.reason}` : 'inject';
}

/** Only Pod creations are injected; anything else that reaches /inject is let through untouched. */
function notApplicable(d: Decoded): string | undefined {
  const r = d.review.request;
  if (r.operation !== 'CREATE') return 'unsupported_operation';
  if (r.kind.kind !== 'Pod' || r.kind.group !== '' || r.object === null || typeof r.object !== 'object') return 'not_a_pod';
  return undefined;
}

export function injectRoutes(deps: InjectRouteDeps) {
  const handler = async (request: FastifyRequest): Promise<AdmissionReviewOut> => {
    const start = process.hrtime.bigint();
    deps.metrics.injectionRequest();
    const d = decode(request);
    const skip = notApplicable(d);
    let body: AdmissionReviewOut;
    let what: string;
    if (skip) {
      deps.metrics.injectionSkip(skip);
      body = allowed(d.echo);
      what = `skip:${skip}`;
    } else {
      try {
        const suffix = (request.params as { '*'?: string })['*'] ?? '';
        const r = d.review.request;
        const injector = deps.injector.get();
        const namespaceMeta = injector.needsNamespace && r.namespace && deps.namespaces ? await deps.namespaces(r.namespace) : undefined;
        const outcome = injector.inject({
          pod: r.object as Record<string, unknown>,
          ...(r.namespace ? { namespace: r.namespace } : {}),
          ...(namespaceMeta ? { namespaceMeta } : {}),
          ...(suffix ? { pathEnv: pathEnv(suffix) } : {}),
        });
        body = respond(d, outcome, deps.metrics);
        what = decision(outcome);
      } catch (err) {
        d.log.error({ err }, 'injection failed unexpectedly');
        deps.metrics.injectionFailure('internal');
        body = errored(d.echo, `meshgate could not process this Pod because of an internal error (request ${d.echo.uid}); see the meshgate logs`);
        what = 'error';
      }
    }
    deps.metrics.injectionSuccess();
    const seconds = elapsed(start);
    deps.metrics.injectionTime(seconds);
    logDecision(request, d, what, seconds, 'inject');
    return body;
  };
  return async (app: FastifyInstance): Promise<void> => {
    app.post('/inject', handler);
    app.post('/inject/*', handler);
  };
}
