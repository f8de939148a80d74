// Go literals inside template actions: quoted and raw strings (strconv.Unquote), character
// constants, and numbers (decimal, 0x/0o/0b, legacy octal, underscores, floats, hex floats),
// classified the way text/template's NumberNode does (integer, unsigned, float).
import type { NumberLiteral } from './ast.js';

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

/** Reads one (possibly escaped) character of a quoted literal; returns it and the next index. */
function unquoteChar(s: string, i: number, quote: string): [string, number] {
  const c = s[i] as string;
  if (c !== '\\') {
    if (c === quote) throw new Error('invalid syntax');
    const cp = s.codePointAt(i) as number;
    return [String.fromCodePoint(cp), i + (cp > 0xffff ? 2 : 1)];
  }
  const e = s[i + 1];
  if (e === undefined) throw new Error('invalid syntax');
  const simple = SIMPLE_ESCAPES[e];
  if (simple !== undefined) return [simple, i + 2];
  if (e === quote) return [e, i + 2];
  const hex = (n: number): [string, number] => {
    const digits = s.slice(i + 2, i + 2 + n);
    if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(digits)) throw new Error('invalid syntax');
    const v = parseInt(digits, 16);
    if (n > 2 && (v > 0x10ffff || (v >= 0xd800 && v < 0xe000))) throw new Error('invalid syntax');
    return [n === 2 ? String.fromCharCode(v) : String.fromCodePoint(v), i + 2 + n];
  };
  if (e === 'x') return hex(2);
  if (e === 'u') return hex(4);
  if (e === 'U') return hex(8);
  if (e >= '0' && e <= '7') {
    const digits = s.slice(i + 1, i + 4);
    if (!/^[0-7]{3}$/.test(digits) || parseInt(digits, 8) > 255) throw new Error('invalid syntax');
    return [String.fromCharCode(parseInt(digits, 8)), i + 4];
  }
  throw new Error('invalid syntax');
}

/** strconv.Unquote of a "…" or `…` literal. */
export function unquote(literal: string): string {
  if (literal.startsWith('`')) {
    if (!literal.endsWith('`') || literal.length < 2) throw new Error('invalid syntax');
    return literal.slice(1, -1).replace(/\r/g, '');
  }
  if (!literal.startsWith('"') || !literal.endsWith('"') || literal.length < 2) throw new Error('invalid syntax');
  const body = literal.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; ) {
    if (body[i] === '\n') throw new Error('invalid syntax');
    const [c, next] = unquoteChar(body, i, '"');
    out += c;
    i = next;
  }
  return out;
}

/** The code point of a 'x' character constant. */
export function unquoteRune(literal: string): number {
  const body = literal.slice(1, -1);
  if (body.length === 0) throw new Error(`malformed character constant: ${literal}`);
  const [c, next] = unquoteChar(body, 0, "'");
  if (next !== body.length) throw new Error(`malformed character constant: ${literal}`);
  return c.length === 1 ? c.charCodeAt(0) : (c.codePointAt(0) as number);
}

/** Go's underscore rule: only between digits, or right after a base prefix. */
function underscoresOK(s: string): boolean {
  if (!s.includes('_')) return true;
  const body = s.replace(/^[+-]/, '');
  const prefixed = /^0[xXoObB]/.test(body);
  const digits = prefixed ? body.slice(2) : body;
  if (!prefixed && !/^[0-9]/.test(body)) return false;
  return !/__|_$|_[.eEpP]|[.eEpP+-]_/.test(prefixed ? `0${digits}` : digits) && !(!prefixed && body.startsWith('_'));
}

const INT_RE = /^[+-]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;

function parseInteger(text: string): bigint | undefined {
  const clean = text.replace(/_/g, '');
  if (!INT_RE.test(clean)) return undefined;
  const neg = clean.startsWith('-');
  const body = clean.replace(/^[+-]/, '');
  let v: bigint;
  if (/^0[xXoObB]/.test(body)) v = BigInt(`0${body[1]?.toLowerCase()}${body.slice(2)}`);
  else if (body.length > 1 && body.startsWith('0')) v = BigInt(`0o${body.slice(1)}`);
  else v = BigInt(body);
  return neg ? -v : v;
}

function parseFloatText(text: string): number | undefined {
  const clean = text.replace(/_/g, '');
  if (/^[+-]?0[xX]/.test(clean)) {
    const m = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)$/.exec(clean);
    if (!m || `${m[2] ?? ''}${m[3] ?? ''}` === '') return undefined;
    const mant = parseInt(`${m[2] || '0'}${m[3] ?? ''}`, 16) / 16 ** (m[3] ?? '').length;
    return (m[1] === '-' ? -1 : 1) * mant * 2 ** Number(m[4]);
  }
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(clean)) return undefined;
  return Number(clean);
}

const MAX_INT64 = 2n ** 63n - 1n;
const MIN_INT64 = -(2n ** 63n);
const MAX_UINT64 = 2n ** 64n - 1n;

/** Classifies a number literal as text/template's parser does; throws for bad syntax. */
export function parseNumber(text: string, type: 'number' | 'charConstant' | 'complex'): NumberLiteral {
  if (type === 'charConstant') {
    const r = unquoteRune(text);
    return { text, isInt: true, isUint: true, isFloat: true, isComplex: false, int: r, float: r };
  }
  if (type === 'complex' || text.endsWith('i')) return { text, isInt: false, isUint: false, isFloat: false, isComplex: true, int: 0, float: 0 };
  if (!underscoresOK(text)) throw new Error(`illegal number syntax: ${JSON.stringify(text)}`);
  const i = parseInteger(text);
  const isInt = i !== undefined && i >= MIN_INT64 && i <= MAX_INT64;
  const isUint = i !== undefined && i >= 0n && i <= MAX_UINT64;
  if (isInt || isUint) {
    const n = Number(i);
    return { text, isInt, isUint, isFloat: true, isComplex: false, int: n, float: n };
  }
  const f = parseFloatText(text);
  if (f === undefined) throw new Error(`illegal number syntax: ${JSON.stringify(text)}`);
  if (!/[.eEpP]/.test(text)) throw new Error(`integer overflow: ${JSON.stringify(text)}`);
  const integral = Number.isInteger(f) && Math.abs(f) < 2 ** 63;
  return { text, isInt: integral, isUint: integral && f >= 0, isFloat: true, isComplex: false, int: integral ? f : 0, float: f };
}
