// The structural layer: zod's compiled validator answers "valid" for the common case, and only
// a rejected value is parsed by zod's runtime for its issues, so the report is the runtime's.
import fc from 'fast-check';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { boundedList, reportStructure } from '../../../src/validate/common/zod-report.js';
import { bool, dur, list, map, obj, str, strList, uint32 } from '../../../src/validate/common/schema.js';
import { collector, type Report } from '../../../src/validate/issues.js';

function report(schema: z.ZodType, value: unknown): Report {
  const c = collector();
  reportStructure(schema, value, 'spec', c);
  return { errors: c.errors, warnings: c.warnings };
}

const schema = obj({
  name: str(),
  port: uint32(),
  timeout: dur(),
  tags: strList(2),
  labels: map(str()),
  rules: boundedList(obj({ path: str(), exact: bool(), hosts: boundedList(z.string().min(1), 2) }, ['path']), 2, 1),
  plain: list(obj({ a: str() })),
});

const value = fc.record(
  {
    name: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
    port: fc.oneof(fc.integer({ min: -1, max: 70000 }), fc.double(), fc.string()),
    timeout: fc.constantFrom('1s', '0s', '10', '1.5ms', 3),
    tags: fc.array(fc.oneof(fc.string(), fc.integer()), { maxLength: 3 }),
    labels: fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer())),
    rules: fc.array(
      fc.record({ path: fc.oneof(fc.string(), fc.constant(null)), exact: fc.oneof(fc.boolean(), fc.string()), hosts: fc.array(fc.constantFrom('', 'a', 'b'), { maxLength: 3 }), extra: fc.string() }, { requiredKeys: [] }),
      { maxLength: 3 },
    ),
    plain: fc.array(fc.record({ a: fc.string(), b: fc.string() }, { requiredKeys: ['a'] }), { maxLength: 2 }),
  },
  { requiredKeys: [] },
);

describe('structural checks', () => {
  it('find a value clean exactly when the zod runtime parser accepts it', () => {
    fc.assert(
      fc.property(value, (v) => {
        const r = report(schema, v);
        expect(r.errors.length + r.warnings.length === 0).toBe(schema.safeParse(v).success);
      }),
      { numRuns: 500 },
    );
  });

  it('report the size of a bounded list and the problems inside it together', () => {
    const r = report(schema, { rules: [{ path: 1 }, { path: 'a', hosts: ['', 'b', 'c'] }, { path: 'b' }] });
    expect(r.errors).toEqual([
      { path: 'spec.rules[0].path', message: 'must be a string, not the number 1' },
      { path: 'spec.rules[1].hosts[0]', message: 'must not be empty' },
      { path: 'spec.rules[1].hosts', message: 'must have at most 2 entries; it has 3' },
      { path: 'spec.rules', message: 'must have at most 2 entries; it has 3' },
    ]);
  });

  it('report unknown fields of a valid value as warnings', () => {
    expect(report(schema, { rules: [{ path: '/', extra: 1 }] })).toEqual({ errors: [], warnings: ['spec.rules[0].extra: unknown field; the API server will drop it'] });
  });
});
