// Duration fields of this family: Go duration syntax (what the CRDs' CEL duration() and Istio
// accept), at least one millisecond, and for some fields whole milliseconds only.
import type { Collector } from '../issues.js';
import { MILLISECOND, parseDuration } from '../common/duration.js';
import { asString } from '../common/values.js';

/** Reports a duration below 1ms or not in Go syntax; with `wholeMs`, also sub-millisecond parts. */
export function checkDuration(value: unknown, path: string, c: Collector, wholeMs = false): void {
  const raw = asString(value);
  if (raw === undefined) return;
  const ns = parseDuration(raw);
  if (ns === undefined) c.error(path, `"${raw}" is not a duration (write it like 5s, 500ms or 1m30s)`);
  else if (ns < MILLISECOND) c.error(path, `must be at least 1ms; got "${raw}"`);
  else if (wholeMs && Math.abs(ns - Math.round(ns / MILLISECOND) * MILLISECOND) > 1e-3) {
    c.error(path, `must be a whole number of milliseconds; got "${raw}"`);
  }
}
