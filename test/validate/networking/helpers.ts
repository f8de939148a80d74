// Builders and the shared property for the networking.istio.io validator tests.
import fc from 'fast-check';
import { expect } from 'vitest';
import type { Issue, KubeObject, Report, Validator } from '../../../src/validate/issues.js';

export const V1 = 'networking.istio.io/v1';

/** An object of `kind` in namespace `default` with the given spec (left out when undefined). */
export function resource(kind: string, spec: unknown, metadata: Record<string, unknown> = {}): KubeObject {
  // EnvoyFilter is served only as v1alpha3.
  const apiVersion = kind === 'EnvoyFilter' ? 'networking.istio.io/v1alpha3' : V1;
  const obj: KubeObject = { apiVersion, kind, metadata: { name: 'example', namespace: 'default', ...metadata } };
  if (spec !== undefined) obj.spec = spec;
  return obj;
}

export function issue(path: string, message: string): Issue {
  return { path, message };
}

/** Validates `spec` as a `kind` and returns the whole report. */
export function reportOf(validate: Validator, kind: string, spec: unknown, metadata?: Record<string, unknown>): Report {
  return validate(resource(kind, spec, metadata));
}

const VALUES = ['', '*', '/', '.', '~', 'mesh', 'a/b', './*', '*/*', 'foo.example.com', '*.example.com', '1.2.3.4', '10.0.0.0/8',
  'unix:///var/run/x.sock', 'HTTP', 'HTTPS', 'TLS', 'TCP', 'GRPC', 'SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL', 'PASSTHROUGH', 'DNS',
  'STATIC', 'NONE', 'DYNAMIC_DNS', 'ALLOW_ANY', 'MERGE', 'REMOVE', 'LISTENER', 'HTTP_FILTER', 'CLUSTER', 'WAYPOINT', '10s',
  '0.5ms', '(?=x)', '%HOSTNAME%', 'abc%', ':authority', '@request.auth.claims.sub', 'outbound_.80_._.foo.com', 'v1'];

/** Random JSON whose keys are mostly the kind's field names, so deep paths get exercised. */
function shapedJson(keys: readonly string[]): fc.Arbitrary<unknown> {
  const key = fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...keys) }, { weight: 1, arbitrary: fc.string({ maxLength: 6 }) });
  const scalar = fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom(...VALUES), fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
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

/** Whatever the spec holds, the validator does not throw, and every issue names a field. */
export function assertTotal(validate: Validator, kind: string, keys: readonly string[]): void {
  fc.assert(
    fc.property(fc.oneof(fc.jsonValue(), shapedJson(keys)), (spec) => {
      const report = validate(resource(kind, spec));
      for (const e of report.errors) {
        expect(e.path.length).toBeGreaterThan(0);
        expect(e.message.length).toBeGreaterThan(0);
        expect(e.message).not.toMatch(/could not finish checking/);
      }
      for (const w of report.warnings) expect(w.length).toBeLessThan(120);
    }),
    { numRuns: 300 },
  );
}
