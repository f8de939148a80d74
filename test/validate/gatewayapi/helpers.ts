// The Gateway API family's adapters over the shared validator test helpers
// (test/helpers/validation.ts): its API version and its typical values.
import type { KubeObject, Validator } from '../../../src/validate/issues.js';
import { assertTotalOver, resourceOf } from '../../helpers/validation.js';

export { issue } from '../../helpers/validation.js';

export const V1 = 'gateway.networking.k8s.io/v1';

/** A namespaced object of `kind` with the given spec (left out when undefined). */
export function resource(kind: string, spec: unknown, apiVersion = V1): KubeObject {
  return resourceOf(apiVersion, kind, spec);
}

const VALUES = [
  '',
  '/',
  '*',
  'Exact',
  'PathPrefix',
  'RegularExpression',
  'HTTP',
  'HTTPS',
  'TLS',
  'TCP',
  'UDP',
  'Terminate',
  'Passthrough',
  'Service',
  'Gateway',
  'RequestHeaderModifier',
  'ResponseHeaderModifier',
  'RequestRedirect',
  'URLRewrite',
  'RequestMirror',
  'CORS',
  'ExternalAuth',
  'ExtensionRef',
  'ReplacePrefixMatch',
  'ReplaceFullPath',
  'IPAddress',
  'Hostname',
  'URI',
  'System',
  'GRPC',
  'Cookie',
  'Header',
  'Permanent',
  '(?!x)',
  '10s',
  '1.2.3.4',
  'foo.example.com',
  'a/b',
];

/** Whatever the spec holds, the validator neither throws nor gives up, and every issue names a field. */
export function assertTotal(validate: Validator, kind: string, keys: readonly string[], apiVersion = V1): void {
  assertTotalOver(validate, { apiVersion, kind, keys, values: VALUES });
}
