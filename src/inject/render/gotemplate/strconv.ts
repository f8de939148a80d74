// Go's strconv as templates print through it: FormatFloat ('e', 'f', 'g', shortest or fixed
// precision: 1e+06, 1.5, 1e-05), Quote and QuoteRune (Go escapes, not JSON's), and UTF-8
// helpers for the functions that count bytes.

interface Digits {
  /** Significant decimal digits, without leading or trailing zeros ("" for zero). */
  readonly d: string;
  /** Position of the decimal point relative to the digits. */
  readonly dp: number;
}

function fromExponential(s: string): Digits {
  const [mant, exp] = s.split('e') as [string, string];
  const digits = mant.replace('.', '').replace(/^0+/, '');
  const trimmed = digits.replace(/0+$/, '');
  return { d: trimmed, dp: trimmed === '' ? 0 : Number(exp) + 1 };
}

/** Shortest digits that read back as x (what Go and JavaScript both compute). */
function shortest(x: number): Digits {
  return fromExponential(Math.abs(x).toExponential());
}

function fmtE(neg: boolean, digits: string, dp: number, prec: number, e: string): string {
  const first = digits[0] ?? '0';
  let out = (neg ? '-' : '') + first;
  if (prec > 0) out += `.${digits.slice(1, prec + 1).padEnd(prec, '0')}`;
  const exp = digits === '' ? 0 : dp - 1;
  const abs = Math.abs(exp);
  return `${out}${e}${exp < 0 ? '-' : '+'}${abs < 10 ? `0${abs}` : abs}`;
}

function fmtF(neg: boolean, digits: string, dp: number, prec: number): string {
  let int = dp > 0 ? digits.slice(0, dp).padEnd(dp, '0') : '0';
  if (int === '') int = '0';
  let out = (neg ? '-' : '') + int;
  if (prec > 0) {
    let frac = '';
    for (let i = 0; i < prec; i++) {
      const j = dp + i;
      frac += j >= 0 && j < digits.length ? digits[j] : '0';
    }
    out += `.${frac}`;
  }
  return out;
}

/** Digits of |x| rounded to `n` significant digits (n ≥ 1). */
function rounded(x: number, n: number): Digits {
  return fromExponential(Math.abs(x).toExponential(Math.min(Math.max(n - 1, 0), 100)));
}

/** Digits of |x| rounded to `prec` digits after the decimal point. */
function roundedFixed(x: number, prec: number): Digits {
  const s = Math.abs(x) < 1e21 ? Math.abs(x).toFixed(Math.min(prec, 100)) : BigInt(Math.round(Math.abs(x))).toString();
  const [int, frac = ''] = s.split('.') as [string, string?];
  const all = `${int}${frac}`.replace(/^0+/, '');
  const lead = `${int}${frac}`.length - all.length;
  const d = all.replace(/0+$/, '');
  return { d, dp: d === '' ? 0 : int.length - lead };
}

/** strconv.FormatFloat(x, fmt, prec, 64). */
export function formatFloat(x: number, fmt: 'e' | 'E' | 'f' | 'g' | 'G', prec: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  const neg = x < 0 || Object.is(x, -0);
  const isShortest = prec < 0;
  const e = fmt === 'E' || fmt === 'G' ? 'E' : 'e';
  if (fmt === 'e' || fmt === 'E') {
    const dg = isShortest ? shortest(x) : rounded(x, prec + 1);
    return fmtE(neg, dg.d, dg.dp, isShortest ? Math.max(dg.d.length - 1, 0) : prec, e);
  }
  if (fmt === 'f') {
    const dg = isShortest ? shortest(x) : roundedFixed(x, prec);
    return fmtF(neg, dg.d, dg.dp, isShortest ? Math.max(dg.d.length - dg.dp, 0) : prec);
  }
  let p = prec === 0 ? 1 : prec;
  const dg = isShortest ? shortest(x) : rounded(x, p);
  const nd = dg.d.length;
  if (isShortest) p = nd;
  let eprec = p;
  if (eprec > nd && nd >= dg.dp) eprec = nd;
  if (isShortest) eprec = 6;
  const exp = dg.dp - 1;
  if (nd > 0 && (exp < -4 || exp >= eprec)) return fmtE(neg, dg.d, dg.dp, Math.min(p, nd) - 1, e);
  if (p > dg.dp) p = nd;
  return fmtF(neg, dg.d, dg.dp, Math.max(p - dg.dp, 0));
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** unicode.IsPrint. */
export function isPrint(ch: string): boolean {
  return PRINTABLE.test(ch);
}

const ESC: Readonly<Record<string, string>> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v' };

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

function quoteRuneInto(ch: string, quote: string, asciiOnly: boolean): string {
  if (ch === quote || ch === '\\') return `\\${ch}`;
  const cp = ch.codePointAt(0) as number;
  if (cp >= 0xd800 && cp < 0xe000) return '\\ufffd';
  if (asciiOnly ? cp < 0x80 && isPrint(ch) : isPrint(ch)) return ch;
  const esc = ESC[ch];
  if (esc) return esc;
  if (cp < 0x20 || cp === 0x7f) return `\\x${hex(cp, 2)}`;
  if (cp < 0x10000) return `\\u${hex(cp, 4)}`;
  return `\\U${hex(cp, 8)}`;
}

/** strconv.Quote (or QuoteToASCII). */
export function quote(s: string, asciiOnly = false): string {
  let out = '"';
  for (const ch of s) out += quoteRuneInto(ch, '"', asciiOnly);
  return `${out}"`;
}

/** strconv.QuoteRune. */
export function quoteRune(cp: number, asciiOnly = false): string {
  const ch = cp >= 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp < 0xe000) ? String.fromCodePoint(cp) : '\ufffd';
  return `'${quoteRuneInto(ch, "'", asciiOnly)}'`;
}

/** strconv.CanBackquote. */
export function canBackquote(s: string): boolean {
  for (const ch of s) {
    if (ch === '`' || ch === '\ufeff') return false;
    const cp = ch.codePointAt(0) as number;
    if (cp < 0x20 ? ch !== '\t' : cp === 0x7f) return false;
  }
  return true;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function utf8Bytes(s: string): Uint8Array {
  return encoder.encode(s);
}

export function fromUtf8(b: Uint8Array): string {
  return decoder.decode(b);
}

/** Number of runes (code points). */
export function runeCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}
