// One way to build the app for tests: real routes, admission plumbing, metrics and logger
// (captured in memory), with an injector the test chooses.
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import type { FastifyInstance } from 'fastify';
import type { NoticeSink } from '../../src/admission/notice.js';
import { buildApp, type AppLimits } from '../../src/server/app.js';
import { createLogger } from '../../src/server/logger.js';
import { engineRef } from '../../src/server/engines.js';
import { testValidators } from './validators.js';
import { createMetrics, type Metrics } from '../../src/server/metrics.js';
import { createReadiness, type Readiness } from '../../src/runtime/readiness.js';
import type { AdmissionAnalysis } from '../../src/cluster/analysis-warnings.js';
import type { NamespaceLookup } from '../../src/cluster/watch/namespaces.js';
import type { Injector } from '../../src/inject/index.js';
import type { InjectOutcome } from '../../src/inject/types.js';

export interface TestApp {
  readonly app: FastifyInstance;
  readonly logs: () => Record<string, unknown>[];
  readonly metrics: Metrics;
  readonly readiness: Readiness;
}

export function fakeInjector(fn: () => InjectOutcome): Injector {
  return { inject: fn, templateNames: ['sidecar'], revision: '' } as unknown as Injector;
}

export function logSink(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const lines = (): Record<string, unknown>[] =>
    chunks
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { stream, lines };
}

export function testApp(
  opts: { injector?: Injector; bodyLimitBytes?: number; notices?: NoticeSink; analysis?: AdmissionAnalysis; namespaces?: NamespaceLookup; limits?: Partial<AppLimits> } = {},
): TestApp {
  const sink = logSink();
  const logger = createLogger('info', sink.stream);
  const metrics = createMetrics(new Registry());
  const readiness = createReadiness();
  const injector = engineRef(opts.injector ?? fakeInjector(() => ({ kind: 'skip', reason: 'explicitly_disabled', message: 'test' })));
  const app = buildApp({
    logger,
    metrics,
    readiness,
    injector,
    validators: engineRef(testValidators()),
    limits: { bodyLimitBytes: opts.bodyLimitBytes ?? 7 * 1024 * 1024, requestTimeoutMs: 5000, headersTimeoutMs: 5000, keepAliveTimeoutMs: 5000, ...opts.limits },
    ...(opts.notices ? { notices: opts.notices } : {}),
    ...(opts.analysis ? { analysis: opts.analysis } : {}),
    ...(opts.namespaces ? { namespaces: opts.namespaces } : {}),
  });
  return { app, logs: sink.lines, metrics, readiness };
}

export function review(overrides: Record<string, unknown> = {}, apiVersion = 'admission.k8s.io/v1'): Record<string, unknown> {
  return {
    apiVersion,
    kind: 'AdmissionReview',
    request: {
      uid: 'b7f9c2d4-0000-4000-8000-000000000001',
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      namespace: 'shop',
      operation: 'CREATE',
      object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'cart-1', namespace: 'shop' }, spec: { containers: [{ name: 'cart', image: 'shop/cart:1.4' }] } },
      ...overrides,
    },
  };
}
