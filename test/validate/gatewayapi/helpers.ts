// Builders and the shared property for the Gateway API validator tests.
import fc from 'fast-check';
import { expect } from 'vitest';
import type { Issue, KubeObject, Validator } from '../../../src/validate/issues.js';

export const V1 = 'gateway.networking.k8s.io/v1';

/** A namespaced object of `kind` with the given spec (left out when undefined). */
export function resource(kind: string, spec: unknown, apiVersion = V1): KubeObject {
  const obj: KubeObject = { apiVersion, kind, metadata: { name: 'example', namespace: 'default' } };
  if (spec !== undefined) obj.spec = spec;
  return obj;
}

export function issue(path: string, message: string): Issue {
  return { path, message };
}

/** Random JSON whose keys are mostly the kind's own field names, so that deep paths get exercised. */
function shapedJson(keys: readonly string[], values: readonly unknown[]): fc.Arbitrary<unknown> {
  const key = fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...keys) }, { weight: 1, arbitrary: fc.string({ maxLength: 6 }) });
  const scalar = fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom(...values), fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
  const { tree } = fc.letrec<{ tree: unknown }>((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      scalar,
      fc.array(tie('tree'), { maxLength: 3 }),
      fc.dictionary(key, tie('tree'), { maxKeys: 5 }),
    ),
  }));
  return tree;
}

const VALUES = ['', '/', '*', 'Exact', 'PathPrefix', 'RegularExpression', 'HTTP', 'HTTPS', 'TLS', 'TCP', 'UDP', 'Terminate',
  'Passthrough', 'Service', 'Gateway', 'RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestRedirect', 'URLRewrite',
  'RequestMirror', 'CORS', 'ExternalAuth', 'ExtensionRef', 'ReplacePrefixMatch', 'ReplaceFullPath', 'IPAddress', 'Hostname',
  'URI', 'System', 'GRPC', 'Cookie', 'Header', 'Permanent', '(?!x)', '10s', '1.2.3.4', 'foo.example.com', 'a/b'];

/** Whatever the spec holds, the validator neither throws nor gives up, and every issue names a field. */
export function assertTotal(validate: Validator, kind: string, keys: readonly string[], apiVersion = V1): void {
  fc.assert(
    fc.property(fc.oneof(fc.jsonValue(), shapedJson(keys, VALUES)), (spec) => {
      const report = validate(resource(kind, spec, apiVersion));
      for (const e of report.errors) {
        expect(e.path.length).toBeGreaterThan(0);
        expect(e.message).not.toMatch(/could not finish checking/);
      }
      for (const w of report.warnings) expect(w.length).toBeLessThan(120);
    }),
    { numRuns: 300 },
  );
}
