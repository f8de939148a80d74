// istiod's duration rules, for every duration field of a kind: Go syntax, at least 1ms, whole
// milliseconds (CORS maxAge: whole seconds; a TCP idleTimeout may be 0; a cookie TTL is checked
// for syntax only). The CRDs check only some of these fields, and none of them for precision.
import { durationProblem, type DurationRules } from './duration.js';
import { asArray, asMapping, asString, type Mapping } from '../../lib/json.js';
import { at, type Collector } from '../issues.js';

/** A field path below the spec; `[]` steps into every item of a list. */
type FieldPath = readonly string[];

const CONNECTION_POOL: readonly [FieldPath, DurationRules][] = [
  [['tcp', 'connectTimeout'], {}],
  [['tcp', 'tcpKeepalive', 'time'], {}],
  [['tcp', 'tcpKeepalive', 'interval'], {}],
  [['tcp', 'maxConnectionDuration'], {}],
  [['tcp', 'idleTimeout'], { allowZero: true }],
  [['http', 'idleTimeout'], {}],
  [['http', 'http2KeepAlive', 'interval'], {}],
  [['http', 'http2KeepAlive', 'timeout'], {}],
];

const POLICY: readonly [FieldPath, DurationRules][] = [
  ...CONNECTION_POOL.map(([p, r]) => [['connectionPool', ...p], r] as [FieldPath, DurationRules]),
  [['loadBalancer', 'consistentHash', 'httpCookie', 'ttl'], { syntaxOnly: true }],
  [['loadBalancer', 'warmupDurationSecs'], {}],
  [['loadBalancer', 'warmup', 'duration'], {}],
  [['outlierDetection', 'interval'], {}],
  [['outlierDetection', 'baseEjectionTime'], {}],
];

function under(prefix: FieldPath, fields: readonly [FieldPath, DurationRules][]): [FieldPath, DurationRules][] {
  return fields.map(([p, r]) => [[...prefix, ...p], r]);
}

/** Every duration field of each kind, from the spec. */
export const DURATION_FIELDS: Readonly<Record<string, readonly [FieldPath, DurationRules][]>> = {
  DestinationRule: [
    ...under(['trafficPolicy'], POLICY),
    ...under(['trafficPolicy', 'portLevelSettings', '[]'], POLICY),
    ...under(['subsets', '[]', 'trafficPolicy'], POLICY),
    ...under(['subsets', '[]', 'trafficPolicy', 'portLevelSettings', '[]'], POLICY),
  ],
  Sidecar: [...under(['inboundConnectionPool'], CONNECTION_POOL), ...under(['ingress', '[]', 'connectionPool'], CONNECTION_POOL)],
  VirtualService: [
    [['http', '[]', 'timeout'], {}],
    [['http', '[]', 'retries', 'perTryTimeout'], {}],
    [['http', '[]', 'retries', 'backoff'], {}],
    [['http', '[]', 'fault', 'delay', 'fixedDelay'], {}],
    [['http', '[]', 'fault', 'delay', 'exponentialDelay'], {}],
    [['http', '[]', 'corsPolicy', 'maxAge'], { seconds: true }],
  ],
  RequestAuthentication: [[['jwtRules', '[]', 'timeout'], {}]],
  Telemetry: [[['metrics', '[]', 'reportingInterval'], {}]],
};

/** Visits the values at `steps` below `value`; `keys` is the path so far (a field path is built only on error). */
function walk(value: unknown, steps: FieldPath, i: number, keys: (string | number)[], visit: (v: unknown, keys: readonly (string | number)[]) => void): void {
  const step = steps[i];
  if (step === undefined) return visit(value, keys);
  // One path array, pushed and popped, instead of a copy per step and item.
  if (step === '[]') {
    const items = asArray(value);
    for (let n = 0; n < items.length; n++) {
      keys.push(n);
      walk(items[n], steps, i + 1, keys, visit);
      keys.pop();
    }
    return;
  }
  const o = asMapping(value);
  if (o && o[step] !== undefined && o[step] !== null) {
    keys.push(step);
    walk(o[step], steps, i + 1, keys, visit);
    keys.pop();
  }
}

/** Checks the duration fields of `kind` in `spec`. */
export function checkDurations(kind: string, spec: Mapping, c: Collector): void {
  for (const [steps, rules] of DURATION_FIELDS[kind] ?? []) {
    walk(spec, steps, 0, [], (v, keys) => {
      const text = asString(v);
      const problem = text === undefined ? undefined : durationProblem(text, rules);
      if (problem)
        c.error(
          keys.reduce<string>((p, k) => at(p, k), 'spec'),
          problem,
        );
    });
  }
}
