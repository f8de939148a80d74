// The one duration grammar (Go's time.ParseDuration) and its unit adapters, by example and by
// property: any sequence of numbers with units parses to the sum of its parts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { durationMillis, durationNanos, durationSeconds, parseDurationNanos } from '../../src/lib/duration.js';

const UNITS: readonly [string, bigint][] = [
  ['ns', 1n],
  ['us', 1_000n],
  ['\u00b5s', 1_000n],
  ['\u03bcs', 1_000n],
  ['ms', 1_000_000n],
  ['s', 1_000_000_000n],
  ['m', 60_000_000_000n],
  ['h', 3_600_000_000_000n],
];

describe('parseDurationNanos', () => {
  it.each([
    ['0', 0n],
    ['-0', 0n],
    ['+0', 0n],
    ['0s', 0n],
    ['300ms', 300_000_000n],
    ['1m30s', 90_000_000_000n],
    ['-1.5h', -5_400_000_000_000n],
    ['.5s', 500_000_000n],
    ['1.s', 1_000_000_000n],
    ['1.0000000001s', 1_000_000_000n],
    ['2\u00b5s', 2_000n],
    ['2\u03bcs', 2_000n],
    ['1h1m1s1ms1us1ns', 3_661_001_001_001n],
    ['9223372036854775807ns', 9_223_372_036_854_775_807n],
    ['-9223372036854775808ns', -9_223_372_036_854_775_808n],
  ])('%j is %d ns', (text, nanos) => expect(parseDurationNanos(text)).toBe(nanos));

  it.each(['', '-', '0.', '00', '1', 's', '.s', '1.2.3s', '1d', '1 s', ' 1s', '1s ', '1S', '1e3s', '--1s', '9223372036854775808ns', '3000000h'])('rejects %j', (text) =>
    expect(parseDurationNanos(text)).toBeUndefined(),
  );

  it('accepts days only when asked', () => {
    expect(parseDurationNanos('1d')).toBeUndefined();
    expect(parseDurationNanos('1d12h', { days: true })).toBe(129_600_000_000_000n);
  });

  it('is the sum of its parts for any sequence of whole numbers with units', () => {
    const part = fc.tuple(fc.integer({ min: 0, max: 10_000 }), fc.constantFrom(...UNITS));
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 6 }), fc.boolean(), (parts, negative) => {
        const text = (negative ? '-' : '') + parts.map(([n, [u]]) => `${n}${u}`).join('');
        const sum = parts.reduce((acc, [n, [, unit]]) => acc + BigInt(n) * unit, 0n);
        expect(parseDurationNanos(text)).toBe(negative ? -sum : sum);
      }),
    );
  });

  it('truncates a fraction to whole nanoseconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999 }), fc.integer({ min: 0, max: 999_999 }), (whole, frac) => {
        const digits = String(frac).padStart(6, '0');
        expect(parseDurationNanos(`${whole}.${digits}ms`)).toBe(BigInt(whole) * 1_000_000n + BigInt(frac));
      }),
    );
  });

  it('rejects any text with a character outside the grammar', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        fc.pre(/[^0-9.+\-nsuµμmhd]/u.test(text));
        expect(parseDurationNanos(text)).toBeUndefined();
      }),
    );
  });
});

describe('unit adapters', () => {
  it('convert one parse to each unit', () => {
    expect(durationNanos('1.5s')).toBe(1_500_000_000);
    expect(durationMillis('1.5s')).toBe(1_500);
    expect(durationMillis('1500us')).toBe(2);
    expect(durationSeconds('1m30s')).toBe(90);
    expect(durationSeconds('500ms')).toBe(0.5);
    expect(durationSeconds('nope')).toBeUndefined();
  });
});
