// fmt.Sprintf: flags, width and precision (also from `*` arguments), explicit argument
// indexes (`%[2]s`), `%%`, and Go's markers for missing, extra and bad arguments.
import { formatValue, plainSpec, type Spec } from './fmt.js';
import { concrete, type Val } from './value.js';

interface Cursor {
  i: number;
  arg: number;
  reordered: boolean;
  goodArg: boolean;
}

function parseNum(f: string, c: Cursor): number | undefined {
  const start = c.i;
  while (c.i < f.length && (f[c.i] as string) >= '0' && (f[c.i] as string) <= '9') c.i++;
  return c.i > start ? Number(f.slice(start, c.i)) : undefined;
}

/** `[n]` before a verb, width or precision; returns whether one was read. */
function argIndex(f: string, c: Cursor, nargs: number): boolean {
  if (f[c.i] !== '[') return false;
  c.reordered = true;
  const close = f.indexOf(']', c.i);
  const n = close > c.i ? Number(f.slice(c.i + 1, close)) : NaN;
  if (close < 0 || !/^\d+$/.test(f.slice(c.i + 1, close)) || n < 1 || n > nargs) {
    c.goodArg = false;
    c.i = close < 0 ? f.length : close + 1;
    return true;
  }
  c.arg = n - 1;
  c.i = close + 1;
  return true;
}

function intArg(args: readonly Val[], c: Cursor): number | undefined {
  const v = args[c.arg];
  if (v === undefined) return undefined;
  c.arg++;
  const x = concrete(v);
  return x.t.isInt || x.t.isUint ? (x.v as number) : undefined;
}

function flags(f: string, c: Cursor, spec: Spec): void {
  for (; c.i < f.length; c.i++) {
    const ch = f[c.i];
    if (ch === '#') spec.sharp = true;
    else if (ch === '0') spec.zero = !spec.minus;
    else if (ch === '+') spec.plus = true;
    else if (ch === '-') {
      spec.minus = true;
      spec.zero = false;
    } else if (ch === ' ') spec.space = true;
    else return;
  }
}

function widthAndPrecision(f: string, c: Cursor, spec: Spec, args: readonly Val[]): string {
  let out = '';
  let after = argIndex(f, c, args.length);
  if (f[c.i] === '*') {
    c.i++;
    const w = intArg(args, c);
    if (w === undefined) out += '%!(BADWIDTH)';
    else if (w < 0) {
      spec.width = -w;
      spec.minus = true;
      spec.zero = false;
    } else spec.width = w;
    after = false;
  } else {
    spec.width = parseNum(f, c);
    if (after && spec.width !== undefined) c.goodArg = false;
  }
  if (c.i + 1 < f.length && f[c.i] === '.') {
    c.i++;
    if (after) c.goodArg = false;
    after = argIndex(f, c, args.length);
    if (f[c.i] === '*') {
      c.i++;
      const p = intArg(args, c);
      spec.prec = p === undefined || p < 0 ? undefined : p;
      if (p === undefined) out += '%!(BADPREC)';
      after = false;
    } else spec.prec = parseNum(f, c) ?? 0;
  }
  if (!after) argIndex(f, c, args.length);
  return out;
}

/** fmt.Sprintf. */
export function sprintf(f: string, args: readonly Val[]): string {
  let out = '';
  const c: Cursor = { i: 0, arg: 0, reordered: false, goodArg: true };
  while (c.i < f.length) {
    const pct = f.indexOf('%', c.i);
    if (pct < 0) {
      out += f.slice(c.i);
      break;
    }
    out += f.slice(c.i, pct);
    c.i = pct + 1;
    c.goodArg = true;
    const spec = plainSpec();
    flags(f, c, spec);
    out += widthAndPrecision(f, c, spec, args);
    if (c.i >= f.length) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(f.codePointAt(c.i) as number);
    c.i += verb.length;
    if (verb === '%') out += '%';
    else if (!c.goodArg) out += `%!${verb}(BADINDEX)`;
    else if (c.arg >= args.length) out += `%!${verb}(MISSING)`;
    else {
      out += formatValue(args[c.arg] as Val, verb === 'w' ? 'v' : verb, spec, 0);
      c.arg++;
    }
  }
  if (!c.reordered && c.arg < args.length) {
    out += `%!(EXTRA ${args
      .slice(c.arg)
      .map((a) => `${concrete(a).t.kind === 'interface' ? '<nil>' : concrete(a).t.name}=${formatValue(a, 'v', plainSpec(), 0)}`)
      .join(', ')})`;
  }
  return out;
}
