// The networking.istio.io family's adapters over the shared validator test helpers
// (test/helpers/validation.ts): its API version and its typical values.
import type { KubeObject, Report, Validator } from '../../../src/validate/issues.js';
import { assertTotalOver, resourceOf } from '../../helpers/validation.js';

export { issue } from '../../helpers/validation.js';

export const V1 = 'networking.istio.io/v1';

/** An object of `kind` in namespace `default` with the given spec (left out when undefined). */
export function resource(kind: string, spec: unknown, metadata: Record<string, unknown> = {}): KubeObject {
  return resourceOf(versionOf(kind), kind, spec, metadata);
}

/** EnvoyFilter is served only as v1alpha3. */
function versionOf(kind: string): string {
  return kind === 'EnvoyFilter' ? 'networking.istio.io/v1alpha3' : V1;
}

/** Validates `spec` as a `kind` and returns the whole report. */
export function reportOf(validate: Validator, kind: string, spec: unknown, metadata?: Record<string, unknown>): Report {
  return validate(resource(kind, spec, metadata));
}

const VALUES = [
  '',
  '*',
  '/',
  '.',
  '~',
  'mesh',
  'a/b',
  './*',
  '*/*',
  'foo.example.com',
  '*.example.com',
  '1.2.3.4',
  '10.0.0.0/8',
  'unix:///var/run/x.sock',
  'HTTP',
  'HTTPS',
  'TLS',
  'TCP',
  'GRPC',
  'SIMPLE',
  'MUTUAL',
  'ISTIO_MUTUAL',
  'PASSTHROUGH',
  'DNS',
  'STATIC',
  'NONE',
  'DYNAMIC_DNS',
  'ALLOW_ANY',
  'MERGE',
  'REMOVE',
  'LISTENER',
  'HTTP_FILTER',
  'CLUSTER',
  'WAYPOINT',
  '10s',
  '0.5ms',
  '(?=x)',
  '%HOSTNAME%',
  'abc%',
  ':authority',
  '@request.auth.claims.sub',
  'outbound_.80_._.foo.com',
  'v1',
];

/** Whatever the spec holds, the validator does not throw, and every issue names a field. */
export function assertTotal(validate: Validator, kind: string, keys: readonly string[]): void {
  assertTotalOver(validate, { apiVersion: versionOf(kind), kind, keys, values: VALUES });
}
