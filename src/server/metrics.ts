// Prometheus metrics with Istio-compatible names, on a registry passed in (never the global
// one). Labelled children are cached so the hot path does not allocate per request.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface Metrics {
  readonly registry: Registry;
  injectionRequest(): void;
  injectionSuccess(): void;
  injectionSkip(reason: string): void;
  injectionFailure(reason: string): void;
  injectionTime(seconds: number): void;
  validationTime(seconds: number): void;
  validationPassed(group: string, version: string, resource: string): void;
  validationFailed(group: string, version: string, resource: string, reason: string): void;
  httpError(route: string, code: string): void;
  configReload(component: string, ok: boolean): void;
  certReload(ok: boolean): void;
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

export function createMetrics(registry: Registry): Metrics {
  const requests = counter(registry, 'sidecar_injection_requests_total', 'Injection requests received.');
  const success = counter(registry, 'sidecar_injection_success_total', 'Injection requests answered (injected, skipped or denied).');
  const skip = counter(registry, 'sidecar_injection_skip_total', 'Pods not injected, by reason.', ['reason']);
  const failure = counter(registry, 'sidecar_injection_failure_total', 'Injection requests that failed or were denied, by reason.', ['reason']);
  const time = new Histogram({
    name: 'sidecar_injection_time_seconds',
    help: 'Time spent handling an injection request.',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 1, 3, 5, 10, 20, 30, 60],
    registers: [registry],
  });
  const validationTime = new Histogram({
    name: 'meshgate_validation_time_seconds',
    help: 'Time spent handling a validation request.',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1],
    registers: [registry],
  });
  const passed = counter(registry, 'galley_validation_passed', 'Resources that passed validation.', ['group', 'version', 'resource']);
  const failed = counter(registry, 'galley_validation_failed', 'Resources that failed validation, by reason.', ['group', 'version', 'resource', 'reason']);
  const httpErrors = counter(registry, 'meshgate_http_errors_total', 'Requests rejected before admission (4xx/5xx), by route and error code.', ['route', 'code']);
  const reloads = counter(registry, 'meshgate_config_reloads_total', 'Configuration reload attempts, by component and result.', ['component', 'result']);
  const lastGood = new Gauge({ name: 'meshgate_config_last_reload_success', help: '1 when the last configuration reload of the component succeeded, 0 when it was rejected.', labelNames: ['component'], registers: [registry] });
  const certReloads = counter(registry, 'meshgate_tls_reloads_total', 'Serving-certificate reloads, by result.', ['result']);

  const skipOf = cached((l) => skip.labels(l));
  const failureOf = cached((l) => failure.labels(l));
  const passedOf = cached((l) => passed.labels(l));
  const failedOf = cached((l) => failed.labels(l));
  return {
    registry,
    injectionRequest: () => requests.inc(),
    injectionSuccess: () => success.inc(),
    injectionSkip: (reason) => skipOf({ reason }).inc(),
    injectionFailure: (reason) => failureOf({ reason }).inc(),
    injectionTime: (seconds) => time.observe(seconds),
    validationTime: (seconds) => validationTime.observe(seconds),
    validationPassed: (group, version, resource) => passedOf({ group, version, resource }).inc(),
    validationFailed: (group, version, resource, reason) => failedOf({ group, version, resource, reason }).inc(),
    httpError: (route, code) => httpErrors.labels({ route, code }).inc(),
    configReload: (component, ok) => {
      reloads.labels({ component, result: ok ? 'success' : 'failure' }).inc();
      lastGood.labels({ component }).set(ok ? 1 : 0);
    },
    certReload: (ok) => certReloads.labels({ result: ok ? 'success' : 'failure' }).inc(),
  };
}
