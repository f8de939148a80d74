// The differential suite's own logic, in `npm test`: its normalisation equates only equivalent
// forms, its differences name the field, and its generator is reproducible from a seed.
import { describe, expect, it } from 'vitest';
import { generateCases, WORKLOAD_KINDS } from './generate.js';
import { differences, normalise, quantity } from './normalise.js';

describe('normalise', () => {
  it('equates key order, null, {} and an ignored status, and keeps a volume source', () => {
    const a = {
      kind: 'Pod',
      metadata: { creationTimestamp: null, name: 'p' },
      spec: { volumes: [{ name: 'd', emptyDir: {} }], containers: [{ resources: {}, name: 'c' }] },
      status: {},
    };
    const b = { spec: { containers: [{ name: 'c' }], volumes: [{ emptyDir: {}, name: 'd' }] }, metadata: { name: 'p' }, kind: 'Pod', status: { phase: 'x' } };
    expect(normalise(a)).toEqual(normalise(b));
    expect(normalise({ volumes: [{ name: 'd', emptyDir: {} }] })).toEqual({ volumes: [{ name: 'd', emptyDir: {} }] });
  });

  it('compares quantities by value and JSON annotations parsed, nothing else', () => {
    expect(quantity('2000m')).toBe(quantity('2'));
    expect(quantity('1024Mi')).toBe(quantity('1Gi'));
    expect(quantity('100m')).not.toBe(quantity('1'));
    const ann = (v: string): unknown => normalise({ metadata: { annotations: { s: v } } });
    expect(ann('{"a":1,"b":[2]}')).toEqual(ann('{ "b": [2], "a": 1 }'));
    expect(ann('{"a":1}')).not.toEqual(ann('{"a":"1"}'));
    expect(normalise({ port: 8080 })).not.toEqual(normalise({ port: '8080' }));
  });
});

describe('differences', () => {
  it('names list items by name and reports order, missing and extra items', () => {
    const got = {
      env: [
        { name: 'B', value: '2' },
        { name: 'A', value: '1' },
        { name: 'X', value: 'x' },
      ],
    };
    const want = {
      env: [
        { name: 'A', value: '1' },
        { name: 'B', value: '3' },
        { name: 'Y', value: 'y' },
      ],
    };
    expect(
      differences(got, want)
        .map((d) => d.group)
        .sort(),
    ).toEqual(['.env (order)', '.env[B].value', '.env[X] (extra)', '.env[Y] (missing)']);
  });
});

describe('generateCases', () => {
  it('is the same for the same seed and covers every workload kind', () => {
    expect(generateCases(7, 30)).toEqual(generateCases(7, 30));
    expect(generateCases(8, 30)).not.toEqual(generateCases(7, 30));
    expect(new Set(generateCases(7, 400).map((c) => c.kind))).toEqual(new Set(WORKLOAD_KINDS));
  });
});
