// /healthz (the process is alive and serving), /readyz (every readiness condition holds) and
// /metrics (Prometheus text format from the registry passed in).
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Readiness } from '../../runtime/readiness.js';

export interface HealthRouteDeps {
  readonly readiness: Readiness;
  readonly registry: Registry;
}

export function healthRoutes(deps: HealthRouteDeps) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/healthz', async () => ({ status: 'ok' }));
    app.get('/readyz', async (_request, reply) => {
      if (deps.readiness.ready()) return { status: 'ready' };
      return reply.code(503).send({ status: 'not ready', waitingFor: deps.readiness.pending() });
    });
    app.get('/metrics', async (_request, reply) => {
      const text = await deps.registry.metrics();
      return reply.type(deps.registry.contentType).send(text);
    });
  };
}
