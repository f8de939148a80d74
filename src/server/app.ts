// Builds the fastify application: routes, error mapping and limits. It never listens; the
// process (cli/serve.ts) or a test (app.inject()) decides what to do with it.
import type { NamespaceLookup } from '../cluster/watch/namespaces.js';
import fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { SecureContextOptions } from 'node:tls';
import type { Logger } from 'pino';
import { mapError } from '../admission/errors.js';
import { NO_NOTICES, type NoticeSink } from '../admission/notice.js';
import type { AdmissionAnalysis } from '../cluster/analysis-warnings.js';
import type { InjectorRef, ValidatorsRef } from './engines.js';
import type { Metrics } from './metrics.js';
import type { Readiness } from '../runtime/readiness.js';
import { admissionRoute } from './routes/admission.js';
import { inFlightBudget } from './heap-budget.js';
import { createLimiter, DEFAULT_MAX_IN_FLIGHT, DEFAULT_QUEUE_TIMEOUT_MS, type Limiter } from './limiter.js';
import { healthRoutes } from './routes/health.js';
import { injectRoute, type InjectRouteDeps } from './routes/inject.js';
import { validateRoute } from './routes/validate.js';

export interface AppLimits {
  readonly bodyLimitBytes: number;
  readonly requestTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  /** In-flight limits on admission work (limiter.ts); 0 or absent bytes: derived from the heap cap. */
  readonly maxInFlightBytes?: number;
  readonly maxInFlight?: number;
  readonly queueTimeoutMs?: number;
}

export interface AppDeps {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly readiness: Readiness;
  readonly injector: InjectorRef;
  readonly validators: ValidatorsRef;
  /** The Pod's Namespace for the injector (cluster mode). */
  readonly namespaces?: NamespaceLookup;
  readonly limits: AppLimits;
  /** Where Events about skipped and denied admissions go (cluster mode); dropped otherwise. */
  readonly notices?: NoticeSink;
  /** Native sidecars per Pod from the cluster's Nodes (cluster mode, --native-sidecars=auto). */
  readonly nativeSidecars?: InjectRouteDeps['nativeSidecars'];
  /** Cluster mode: the analyzer on the cluster's objects, whose findings become warnings. */
  readonly analysis?: AdmissionAnalysis;
  /** TLS for the listener; absent only in tests that use app.inject(). */
  readonly tls?: SecureContextOptions & { minVersion: 'TLSv1.2' | 'TLSv1.3' };
}

function routeOf(url: string): string {
  if (url.startsWith('/inject')) return 'inject';
  if (url.startsWith('/validate')) return 'validate';
  return 'other';
}

function errorHandler(deps: AppDeps) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const mapped = mapError(error);
    const route = routeOf(request.url);
    deps.metrics.transportError(route, mapped.status, mapped.code, reply.elapsedTime / 1000);
    // Who sent what: a refused request never reaches the routes' own log line.
    const where = { method: request.method, path: request.url.split('?')[0], client: request.ip, status: mapped.status, code: mapped.code };
    if (mapped.status >= 500) request.log.error({ ...where, err: error }, 'request failed');
    else request.log.warn({ ...where, detail: mapped.message }, 'request rejected');
    return reply.code(mapped.status).send({ error: mapped.code, message: mapped.message, statusCode: mapped.status });
  };
}

/**
 * Node checks header and request timeouts only every `connectionsCheckingInterval` (30 s by
 * default); check often enough that a slow or half-open client is cut off on time.
 */
function socketTimeouts(limits: AppLimits): Record<string, number> {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))),
  };
}

/** The in-flight limits on admission work; a shed request is counted and logged like any refused one. */
function admissionLimiter(deps: AppDeps): Limiter {
  const l = deps.limits;
  const budget = inFlightBudget(l.maxInFlightBytes ?? 0);
  const maxInFlight = l.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
  const queueTimeoutMs = l.queueTimeoutMs ?? DEFAULT_QUEUE_TIMEOUT_MS;
  deps.logger.info({ inFlightBytes: budget.bytes, oldSpaceBytes: budget.oldSpace, derivedFrom: budget.source, maxInFlight, queueTimeoutMs }, 'admission limits');
  return createLimiter({ budget, maxInFlight, queueTimeoutMs, bodyLimitBytes: l.bodyLimitBytes }, deps.metrics.registry, (shed, request, reply) => {
    deps.metrics.transportError(shed.route, 429, 'TOO_MANY_REQUESTS', reply.elapsedTime / 1000);
    request.log.warn(
      {
        method: request.method,
        path: request.url.split('?')[0],
        client: request.ip,
        status: 429,
        code: 'TOO_MANY_REQUESTS',
        reason: shed.reason,
        bytes: shed.bytes,
        detail: shed.message,
      },
      'request shed',
    );
  });
}

export function buildApp(deps: AppDeps): FastifyInstance {
  const app = fastify({
    loggerInstance: deps.logger,
    // One log line per admission request is written by the routes themselves, carrying the
    // review's uid; fastify's own per-request child logger (with a reqId) would only add cost.
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: (logger) => logger,
    bodyLimit: deps.limits.bodyLimitBytes,
    requestTimeout: deps.limits.requestTimeoutMs,
    keepAliveTimeout: deps.limits.keepAliveTimeoutMs,
    // While closing, requests already on an open connection are still answered (503 would
    // make the API server apply the failure policy); idle keep-alive connections are closed.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    ...(deps.tls ? { https: { ...deps.tls, ...socketTimeouts(deps.limits) } } : {}),
  }) as unknown as FastifyInstance;
  app.server.headersTimeout = deps.limits.headersTimeoutMs;
  // Admission reviews are JSON only; anything else is answered 415 by fastify.
  app.removeContentTypeParser('text/plain');
  app.setErrorHandler(errorHandler(deps));
  app.addHook('onRequest', admissionLimiter(deps).onRequest);
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({
      error: 'NOT_FOUND',
      message: `no route for ${request.method} ${request.url}; meshgate serves POST /inject, POST /validate, GET /healthz, /readyz, /metrics`,
      statusCode: 404,
    });
  });
  const notices = deps.notices ?? NO_NOTICES;
  const native = deps.nativeSidecars ? { nativeSidecars: deps.nativeSidecars } : {};
  const namespaces = deps.namespaces ? { namespaces: deps.namespaces } : {};
  app.register(admissionRoute(injectRoute({ injector: deps.injector, metrics: deps.metrics, ...namespaces, ...native }), notices));
  app.register(admissionRoute(validateRoute({ metrics: deps.metrics, validators: deps.validators, ...(deps.analysis ? { analysis: deps.analysis } : {}) }), notices));
  app.register(healthRoutes({ readiness: deps.readiness, registry: deps.metrics.registry }));
  return app;
}
