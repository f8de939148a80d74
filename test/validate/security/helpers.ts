// Builders and a shared property for the security-family validator tests.
import fc from 'fast-check';
import { expect } from 'vitest';
import type { Issue, KubeObject, Report, Validator } from '../../../src/validate/issues.js';

/** A resource of `kind` with the given spec (omitted when undefined) and optional annotations. */
export function resource(apiVersion: string, kind: string, spec: unknown, annotations?: Record<string, string>): KubeObject {
  const obj: KubeObject = { apiVersion, kind, metadata: { name: 'example', namespace: 'default', ...(annotations ? { annotations } : {}) } };
  if (spec !== undefined) obj.spec = spec;
  return obj;
}

export function issue(path: string, message: string): Issue {
  return { path, message };
}

/** Random JSON whose object keys are mostly drawn from the kind's field names, so deep paths get exercised. */
export function shapedJson(keys: readonly string[]): fc.Arbitrary<unknown> {
  const key = fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...keys) }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) });
  const { tree } = fc.letrec<{ tree: unknown }>((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('', '*', '80', 'STRICT', 'CUSTOM', 'DENY', 'a/b', '1.2.3.4/8'), fc.integer(), fc.double(), fc.boolean(), fc.constant(null)),
      fc.array(tie('tree'), { maxLength: 3 }),
      fc.dictionary(key, tie('tree'), { maxKeys: 4 }),
    ),
  }));
  return tree;
}

/** The property every validator must hold: it never throws, and each issue names a field. */
export function assertTotal(validate: Validator, apiVersion: string, kind: string, keys: readonly string[]): void {
  fc.assert(
    fc.property(fc.oneof(fc.jsonValue(), shapedJson(keys)), (spec) => {
      const report: Report = validate(resource(apiVersion, kind, spec));
      for (const e of report.errors) {
        expect(e.path.length).toBeGreaterThan(0);
        expect(e.message.length).toBeGreaterThan(0);
      }
      for (const w of report.warnings) expect(w.length).toBeLessThan(120);
    }),
    { numRuns: 400 },
  );
}

/** A message matched by pattern, for messages that embed a third-party parser's wording. */
export function matching(re: RegExp): string {
  return expect.stringMatching(re) as unknown as string;
}
