// Go's time.Duration.String: "1h30m0s", "1.5s", "300ms", "2µs", "0s"; used by Istio's
// formatDuration and by printing durations.

function fraction(v: bigint, prec: number): [string, bigint] {
  let digits = '';
  let print = false;
  let rest = v;
  for (let i = 0; i < prec; i++) {
    const d = rest % 10n;
    print = print || d !== 0n;
    if (print) digits = `${d}${digits}`;
    rest /= 10n;
  }
  return [print ? `.${digits}` : '', rest];
}

/** time.Duration(nanoseconds).String(). */
export function formatDuration(nanos: number | bigint): string {
  let u = BigInt(typeof nanos === 'bigint' ? nanos : Math.trunc(nanos));
  const neg = u < 0n;
  if (neg) u = -u;
  let out: string;
  if (u < 1_000_000_000n) {
    if (u === 0n) return '0s';
    let prec: number;
    let unit: string;
    if (u < 1000n) [prec, unit] = [0, 'ns'];
    else if (u < 1_000_000n) [prec, unit] = [3, 'µs'];
    else [prec, unit] = [6, 'ms'];
    const [frac, whole] = fraction(u, prec);
    out = `${whole}${frac}${unit}`;
  } else {
    const [frac, secs] = fraction(u, 9);
    const s = secs % 60n;
    const mins = secs / 60n;
    out = `${s}${frac}s`;
    if (mins > 0n) {
      out = `${mins % 60n}m${out}`;
      const hours = mins / 60n;
      if (hours > 0n) out = `${hours}h${out}`;
    }
  }
  return neg ? `-${out}` : out;
}
