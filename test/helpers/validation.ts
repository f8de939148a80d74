// The validator tests' shared builders and their one totality property, for every family
// (networking, security, telemetry, extensions, Gateway API): an object of a kind around a spec,
// an expected issue, and "whatever the spec holds, the validator does not throw, and every issue
// names a field" over random JSON shaped by the kind's own field names and typical values.
import fc from 'fast-check';
import { expect } from 'vitest';
import type { Issue, KubeObject, Validator } from '../../src/validate/issues.js';

/** An object of `kind` named example in namespace default, with `spec` (left out when undefined). */
export function resourceOf(apiVersion: string, kind: string, spec: unknown, metadata: Record<string, unknown> = {}): KubeObject {
  const obj: KubeObject = { apiVersion, kind, metadata: { name: 'example', namespace: 'default', ...metadata } };
  if (spec !== undefined) obj.spec = spec;
  return obj;
}

export function issue(path: string, message: string): Issue {
  return { path, message };
}

/** A message matched by pattern, for messages that embed a third-party parser's wording. */
export function matching(re: RegExp): string {
  return expect.stringMatching(re) as unknown as string;
}

/** Random JSON whose keys are mostly the kind's field names and whose scalars are often typical values, so deep paths get exercised. */
export function shapedJson(keys: readonly string[], values: readonly unknown[]): fc.Arbitrary<unknown> {
  const key = fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...keys) }, { weight: 1, arbitrary: fc.string({ maxLength: 6 }) });
  const scalar = fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom(...values), fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
  const { tree } = fc.letrec<{ tree: unknown }>((tie) => ({
    tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('tree'), { maxLength: 3 }), fc.dictionary(key, tie('tree'), { maxKeys: 5 })),
  }));
  return tree;
}

export interface TotalityCase {
  readonly apiVersion: string;
  readonly kind: string;
  /** The kind's field names, drawn as keys at every depth. */
  readonly keys: readonly string[];
  /** Typical values of the family (enum names, hosts, durations), drawn as scalars. */
  readonly values: readonly unknown[];
  readonly numRuns?: number;
}

/** Whatever the spec holds, the validator neither throws nor gives up, and every issue names a field. */
export function assertTotalOver(validate: Validator, c: TotalityCase): void {
  fc.assert(
    fc.property(fc.oneof(fc.jsonValue(), shapedJson(c.keys, c.values)), (spec) => {
      const report = validate(resourceOf(c.apiVersion, c.kind, spec));
      for (const e of report.errors) {
        expect(e.path.length).toBeGreaterThan(0);
        expect(e.message.length).toBeGreaterThan(0);
        expect(e.message).not.toMatch(/could not finish checking/);
      }
      for (const w of report.warnings) expect(w.length).toBeLessThan(120);
    }),
    { numRuns: c.numRuns ?? 300 },
  );
}
