// Source rewrites that let @marcbachmann/cel-js run rules written for cel-go: matches() goes
// to our RE2 k8sMatches, and has(e[i].f) — a presence test on a field of an indexed value,
// which this library refuses — becomes the equivalent optional selection e[i].?f.hasValue().
// String literals are skipped, so rule text inside quotes is never touched.

/** The end (exclusive) of the string literal starting at i, or -1 when none starts there. */
function literalEnd(src: string, i: number): number {
  const m = /^(?:[rRbB]{1,2})?("""|'''|"|')/.exec(src.slice(i, i + 5));
  if (!m || (i > 0 && /[A-Za-z0-9_]/.test(src[i - 1] ?? ''))) return -1;
  const quote = m[1] ?? '"';
  const raw = /[rR]/.test(m[0].slice(0, m[0].length - quote.length));
  let j = i + m[0].length;
  while (j < src.length && !src.startsWith(quote, j)) j += !raw && src[j] === '\\' ? 2 : 1;
  return Math.min(j + quote.length, src.length);
}

/** Index of the parenthesis closing the one just before `start`, skipping literals. */
function closing(src: string, start: number): number {
  let depth = 1;
  for (let i = start; i < src.length; i++) {
    const end = literalEnd(src, i);
    if (end >= 0) {
      i = end - 1;
      continue;
    }
    if (src[i] === '(' || src[i] === '[' || src[i] === '{') depth++;
    if (src[i] === ')' || src[i] === ']' || src[i] === '}') depth--;
    if (depth === 0) return i;
  }
  return -1;
}

/** The last `.` at nesting depth 0 of an argument, outside literals. */
function lastTopLevelDot(arg: string): number {
  let depth = 0;
  let dot = -1;
  for (let i = 0; i < arg.length; i++) {
    const end = literalEnd(arg, i);
    if (end >= 0) {
      i = end - 1;
      continue;
    }
    const ch = arg[i];
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
    else if (ch === '.' && depth === 0) dot = i;
  }
  return dot;
}

function rewriteHas(arg: string): string | undefined {
  const dot = lastTopLevelDot(arg);
  if (dot < 0) return undefined;
  const target = arg.slice(0, dot);
  if (!target.includes('[') && !target.includes('(')) return undefined;
  return `(${rewriteRule(target)}.?${arg.slice(dot + 1).trim()}.hasValue())`;
}

/** Rewrites a rule for this CEL library (see the file comment). */
export function rewriteRule(src: string): string {
  let out = '';
  for (let i = 0; i < src.length; ) {
    const end = literalEnd(src, i);
    if (end >= 0) {
      out += src.slice(i, end);
      i = end;
      continue;
    }
    if (src.startsWith('.matches(', i)) {
      out += '.k8sMatches(';
      i += '.matches('.length;
      continue;
    }
    if (src.startsWith('has(', i) && !/[A-Za-z0-9_.]/.test(src[i - 1] ?? '')) {
      const close = closing(src, i + 4);
      const replaced = close > 0 ? rewriteHas(src.slice(i + 4, close)) : undefined;
      if (replaced !== undefined) {
        out += replaced;
        i = close + 1;
        continue;
      }
    }
    out += src[i];
    i++;
  }
  return out;
}
