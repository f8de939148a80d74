// The one duration grammar: Go's time.ParseDuration ("300ms", "1m30s", "-1.5h", ".5s", "0"), which
// Istio decodes its settings and resources with and the CRDs' CEL duration() shares. Callers pick a
// unit adapter (nanoseconds, milliseconds, seconds). meshgate's own settings may also allow days
// ("365d") through the `days` option; that is the only extension. Protobuf JSON durations ("1.5s",
// always seconds) are a different format and live with the template values that carry them.

const NANOS_PER_UNIT: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  '\u00b5s': 1_000n, // µ MICRO SIGN
  '\u03bcs': 1_000n, // μ GREEK SMALL LETTER MU
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};
const DAY = 86_400_000_000_000n;
/** Go's time.Duration is an int64 count of nanoseconds; larger magnitudes are an error there. */
const MAX_NANOS = 2n ** 63n;

/** Longest unit first so that "ms" is not read as "m" followed by "s". */
const UNIT = /^(ns|us|\u00b5s|\u03bcs|ms|s|m|h|d)/;
const NUMBER = /^(\d*)(?:\.(\d*))?/;

export interface DurationOptions {
  /** Also accept a day unit `d` (24h): meshgate's own certificate lifetimes, not Istio fields. */
  readonly days?: boolean;
}

/**
 * Exact nanoseconds of a Go duration, or undefined when `text` is not one (including when it
 * overflows Go's int64 range). A fraction is truncated to whole nanoseconds, as Go does.
 */
export function parseDurationNanos(text: string, options: DurationOptions = {}): bigint | undefined {
  let rest = text;
  let negative = false;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    negative = rest.startsWith('-');
    rest = rest.slice(1);
  }
  if (rest === '0') return 0n;
  if (rest === '') return undefined;
  let total = 0n;
  while (rest !== '') {
    const num = NUMBER.exec(rest);
    const whole = num?.[1] ?? '';
    const fraction = num?.[2] ?? '';
    if (whole === '' && fraction === '') return undefined;
    rest = rest.slice(num?.[0].length ?? 0);
    const unitText = UNIT.exec(rest)?.[1];
    if (unitText === undefined) return undefined;
    const unit = unitText === 'd' ? (options.days ? DAY : undefined) : NANOS_PER_UNIT[unitText];
    if (unit === undefined) return undefined;
    rest = rest.slice(unitText.length);
    const scale = 10n ** BigInt(fraction.length);
    total += BigInt(whole === '' ? '0' : whole) * unit + (BigInt(fraction === '' ? '0' : fraction) * unit) / scale;
    if (total > MAX_NANOS) return undefined;
  }
  if (!negative && total === MAX_NANOS) return undefined;
  return negative ? -total : total;
}

// Valid Go durations by text: admission requests repeat the same few ("3s" on every route) and
// parsing is BigInt work. Emptied when full, so input cannot grow it without bound.
const NANOS = new Map<string, number>();
const NANOS_MAX = 512;

/** Nanoseconds as a number (exact up to 2^53, about 104 days). */
export function durationNanos(text: string, options?: DurationOptions): number | undefined {
  if (options?.days) {
    const n = parseDurationNanos(text, options);
    return n === undefined ? undefined : Number(n);
  }
  const known = NANOS.get(text);
  if (known !== undefined) return known;
  const n = parseDurationNanos(text);
  if (n === undefined) return undefined;
  if (NANOS.size >= NANOS_MAX) NANOS.clear();
  const nanos = Number(n);
  NANOS.set(text, nanos);
  return nanos;
}

/** Milliseconds, rounded to the nearest whole millisecond. */
export function durationMillis(text: string, options?: DurationOptions): number | undefined {
  const n = parseDurationNanos(text, options);
  return n === undefined ? undefined : Math.round(Number(n) / 1e6);
}

/** Seconds, with the fraction kept ("1.5s" is 1.5). */
export function durationSeconds(text: string, options?: DurationOptions): number | undefined {
  const n = parseDurationNanos(text, options);
  return n === undefined ? undefined : Number(n) / 1e9;
}
