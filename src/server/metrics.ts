// Prometheus metrics on a registry passed in (never the global one). The Istio-named metrics
// mean what they mean in Istio (pkg/kube/inject/monitoring.go, pkg/webhooks/validation/server);
// meshgate's own add what Istio's cannot tell. Labelled children are cached so the hot path does
// not allocate per request.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface BuildInfo {
  readonly version: string;
  readonly node: string;
}

export interface Metrics {
  readonly registry: Registry;
  injectionRequest(): void;
  injectionSuccess(): void;
  injectionSkip(reason: string): void;
  injectionFailure(reason: string): void;
  /** Every answered injection request by its decision (inject, skip, deny, error) and reason. */
  injectionResult(decision: string, reason: string): void;
  injectionTime(seconds: number): void;
  validationTime(seconds: number): void;
  validationPassed(group: string, version: string, resource: string): void;
  validationFailed(group: string, version: string, resource: string, reason: string): void;
  /** A request refused before admission (no body, not JSON, wrong type, too large). */
  transportError(route: string, status: number, code: string, seconds: number): void;
  configReload(component: string, ok: boolean): void;
  certReload(ok: boolean): void;
  /** The serving certificate now installed (every mode). */
  servingCert(notAfter: Date): void;
}

type Labels = Record<string, string>;

function cached<T>(make: (labels: Labels) => T): (labels: Labels) => T {
  const cache = new Map<string, T>();
  return (labels) => {
    const key = Object.values(labels).join('\u0000');
    let hit = cache.get(key);
    if (hit === undefined) {
      hit = make(labels);
      if (cache.size < 10_000) cache.set(key, hit);
    }
    return hit;
  };
}

function counter(registry: Registry, name: string, help: string, labelNames: string[] = []): Counter<string> {
  return new Counter({ name, help, labelNames, registers: [registry] });
}

function injectionMetrics(registry: Registry) {
  return {
    requests: counter(
      registry,
      'sidecar_injection_requests_total',
      'Injection requests received, refused ones (no body, wrong content type, too large) included, as Istio counts them.',
    ),
    success: counter(
      registry,
      'sidecar_injection_success_total',
      'Injection requests answered with an AdmissionReview, as Istio counts them: injected, skipped and denied Pods alike (a denial also counts as a failure).',
    ),
    skip: counter(registry, 'sidecar_injection_skip_total', 'Pods the injection policy left without a sidecar, by reason.', ['reason']),
    failure: counter(registry, 'sidecar_injection_failure_total', 'Injection requests that failed (refused, undecodable, internal error) or whose Pod was denied, by reason.', [
      'reason',
    ]),
    results: counter(registry, 'meshgate_injection_decisions_total', 'Answered injection requests by decision (inject, skip, deny, error) and reason.', ['decision', 'reason']),
    time: new Histogram({
      name: 'sidecar_injection_time_seconds',
      help: 'Time spent handling an injection request, refused ones included.',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 1, 3, 5, 10, 20, 30, 60],
      registers: [registry],
    }),
  };
}

function validationMetrics(registry: Registry) {
  return {
    time: new Histogram({
      name: 'meshgate_validation_time_seconds',
      help: 'Time spent handling a validation request.',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1],
      registers: [registry],
    }),
    passed: counter(registry, 'galley_validation_passed', 'Resources that passed validation (dry runs included), as Istio counts them.', ['group', 'version', 'resource']),
    failed: counter(
      registry,
      'galley_validation_failed',
      'Resources rejected by validation, by reason, and DELETE/CONNECT requests as unsupported_operation; dry runs are not counted, as in Istio.',
      ['group', 'version', 'resource', 'reason'],
    ),
    httpError: counter(registry, 'galley_validation_http_error', 'Validation requests refused before admission, by HTTP status.', ['status']),
  };
}

function buildInfoGauge(registry: Registry, info: BuildInfo): void {
  const g = new Gauge({
    name: 'meshgate_build_info',
    help: 'Always 1; the labels say which meshgate runs, on which Node.js.',
    labelNames: ['version', 'node'],
    registers: [registry],
  });
  g.labels({ version: info.version, node: info.node }).set(1);
}

export function createMetrics(registry: Registry, build: BuildInfo = { version: 'unknown', node: process.version }): Metrics {
  const inj = injectionMetrics(registry);
  const val = validationMetrics(registry);
  const httpErrors = counter(registry, 'meshgate_http_errors_total', 'Requests rejected before admission (4xx/5xx), by route and error code.', ['route', 'code']);
  const reloads = counter(registry, 'meshgate_config_reloads_total', 'Configuration reload attempts, by component and result.', ['component', 'result']);
  const lastGood = new Gauge({
    name: 'meshgate_config_last_reload_success',
    help: '1 when the last configuration reload of the component succeeded, 0 when it was rejected.',
    labelNames: ['component'],
    registers: [registry],
  });
  const certReloads = counter(registry, 'meshgate_tls_reloads_total', 'Serving-certificate reloads, by result.', ['result']);
  const notAfter = new Gauge({
    name: 'meshgate_cert_not_after_timestamp_seconds',
    help: 'Expiry (Unix seconds) of the serving certificate this process serves.',
    registers: [registry],
  });
  buildInfoGauge(registry, build);

  const skipOf = cached((l) => inj.skip.labels(l));
  const failureOf = cached((l) => inj.failure.labels(l));
  const resultOf = cached((l) => inj.results.labels(l));
  const passedOf = cached((l) => val.passed.labels(l));
  const failedOf = cached((l) => val.failed.labels(l));
  return {
    registry,
    injectionRequest: () => inj.requests.inc(),
    injectionSuccess: () => inj.success.inc(),
    injectionSkip: (reason) => skipOf({ reason }).inc(),
    injectionFailure: (reason) => failureOf({ reason }).inc(),
    injectionResult: (decision, reason) => resultOf({ decision, reason }).inc(),
    injectionTime: (seconds) => inj.time.observe(seconds),
    validationTime: (seconds) => val.time.observe(seconds),
    validationPassed: (group, version, resource) => passedOf({ group, version, resource }).inc(),
    validationFailed: (group, version, resource, reason) => failedOf({ group, version, resource, reason }).inc(),
    transportError: (route, status, code, seconds) => {
      httpErrors.labels({ route, code }).inc();
      if (route === 'inject') {
        inj.requests.inc();
        inj.failure.labels({ reason: code.toLowerCase() }).inc();
        inj.time.observe(seconds);
      } else if (route === 'validate') val.httpError.labels({ status: String(status) }).inc();
    },
    configReload: (component, ok) => {
      reloads.labels({ component, result: ok ? 'success' : 'failure' }).inc();
      lastGood.labels({ component }).set(ok ? 1 : 0);
    },
    certReload: (ok) => certReloads.labels({ result: ok ? 'success' : 'failure' }).inc(),
    servingCert: (date) => notAfter.set(date.getTime() / 1000),
  };
}
