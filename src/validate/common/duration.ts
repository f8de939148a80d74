// Durations in Go's time.ParseDuration syntax ("300ms", "1m30s", "1h", "0.5s"): Istio decodes
// them that way and the CRDs' CEL duration() uses the same grammar.

const UNIT_NANOS: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1e3,
  'µs': 1e3,
  'μs': 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

const PART = /^(\d*\.?\d*)(ns|us|µs|μs|ms|s|m|h)/;

/** Parses a Go duration into nanoseconds, or returns undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') return undefined;
  let total = 0;
  while (rest.length > 0) {
    const m = PART.exec(rest);
    if (!m || m[1] === '' || m[1] === '.') return undefined;
    total += Number(m[1]) * (UNIT_NANOS[m[2] as string] as number);
    rest = rest.slice(m[0].length);
  }
  return sign * total;
}

export const MILLISECOND = 1e6;
export const SECOND = 1e9;

export interface DurationRules {
  /** Accept 0 (Istio reads a zero TCP idle timeout as "disabled"). */
  readonly allowZero?: boolean;
  /** Require whole seconds (CORS maxAge). */
  readonly seconds?: boolean;
  /** Only the syntax matters (fields neither the CRD nor the webhook bound, like a cookie TTL). */
  readonly syntaxOnly?: boolean;
}

/**
 * Why `text` is not a duration Istio accepts: Go syntax, at least 1ms (the CRDs' CEL rule and the
 * webhook agree on that) and whole milliseconds (the webhook rounds nothing).
 */
export function durationProblem(text: string, rules: DurationRules = {}): string | undefined {
  const nanos = parseDuration(text);
  if (nanos === undefined) return `"${text}" is not a duration; write it like "500ms", "10s", "1m30s" or "1h"`;
  if (rules.syntaxOnly || (rules.allowZero && nanos === 0)) return undefined;
  if (nanos < MILLISECOND) return `"${text}" is too short; durations must be at least 1ms`;
  if (Math.round(nanos) % MILLISECOND !== 0) return `"${text}" is more precise than a millisecond; Istio supports whole milliseconds only`;
  if (rules.seconds && Math.round(nanos) % SECOND !== 0) return `"${text}" must be a whole number of seconds`;
  return undefined;
}
