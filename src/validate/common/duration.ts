// Istio's rules for duration fields on top of the Go duration grammar (src/lib/duration.ts): at
// least 1ms, whole milliseconds, whole seconds where asked.

import { durationNanos } from '../../lib/duration.js';

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
  const nanos = durationNanos(text);
  if (nanos === undefined) return `"${text}" is not a duration; write it like "500ms", "10s", "1m30s" or "1h"`;
  if (rules.syntaxOnly || (rules.allowZero && nanos === 0)) return undefined;
  if (nanos < MILLISECOND) return `"${text}" is too short; durations must be at least 1ms`;
  if (Math.round(nanos) % MILLISECOND !== 0) return `"${text}" is more precise than a millisecond; Istio supports whole milliseconds only`;
  if (rules.seconds && Math.round(nanos) % SECOND !== 0) return `"${text}" must be a whole number of seconds`;
  return undefined;
}
