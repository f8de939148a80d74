// Sprig's string, encoding and conversion functions (Masterminds/sprig v3 semantics): quote
// uses Go's %q and drops nil arguments, trunc and substr count bytes, nindent pads every line.
import { createHash } from 'node:crypto';
import { RE2JS } from 're2js';
import { CallError } from '../errors.js';
import { quote } from '../strconv.js';
import { fromUtf8, utf8Bytes } from '../strconv.js';
import { concrete, NIL, type Val, stringVal } from '../value.js';
import { bool, float, int as intVal, int64, stringList, stringMapVal, strval, toFloat64, toInt64, type Impl } from './util.js';

const s = (a: Val[], i: number): string => (a[i]?.v as string | undefined) ?? '';
const n = (a: Val[], i: number): number => (a[i]?.v as number | undefined) ?? 0;
const nonNil = (a: Val[]): Val[] => a.filter((x) => concrete(x) !== NIL);

const sprigIndent = (spaces: number, text: string): string => {
  const pad = ' '.repeat(Math.max(spaces, 0));
  return pad + text.replace(/\n/g, `\n${pad}`);
};

function trunc(c: number, text: string): string {
  const b = utf8Bytes(text);
  if (c >= 0 && b.length > c) return fromUtf8(b.subarray(0, c));
  if (c < 0 && b.length > -c) return fromUtf8(b.subarray(b.length + c));
  return text;
}

function substr(start: number, end: number, text: string): string {
  const b = utf8Bytes(text);
  if (start < 0) return fromUtf8(b.subarray(0, end));
  if (end < 0 || end > b.length) return fromUtf8(b.subarray(start));
  return fromUtf8(b.subarray(start, end));
}

function trimChars(text: string, cut: string, left: boolean, right: boolean): string {
  const set = new Set([...cut]);
  const chars = [...text];
  let i = 0;
  let j = chars.length;
  while (left && i < j && set.has(chars[i] as string)) i++;
  while (right && j > i && set.has(chars[j - 1] as string)) j--;
  return chars.slice(i, j).join('');
}

function regex(pattern: string): RE2JS {
  try {
    return RE2JS.compile(pattern);
  } catch (e) {
    throw new CallError(`error parsing regexp: ${(e as Error).message}`);
  }
}

const words = (text: string): string[] => text.split(/[^\p{L}\p{N}]+/u).filter((w) => w !== '');

function title(text: string): string {
  return text.replace(/(^|[^\p{L}\p{N}_'])(\p{L})/gu, (_m, pre: string, c: string) => pre + c.toUpperCase());
}

export const STRING_FUNCS: Readonly<Record<string, Impl>> = {
  quote: (a) =>
    stringVal(
      nonNil(a)
        .map((x) => quote(strval(x)))
        .join(' '),
    ),
  squote: (a) =>
    stringVal(
      nonNil(a)
        .map((x) => `'${strval(x)}'`)
        .join(' '),
    ),
  cat: (a) => stringVal(nonNil(a).map(strval).join(' ')),
  nindent: (a) => stringVal(`\n${sprigIndent(n(a, 0), s(a, 1))}`),
  trunc: (a) => stringVal(trunc(n(a, 0), s(a, 1))),
  substr: (a) => stringVal(substr(n(a, 0), n(a, 1), s(a, 2))),
  trim: (a) => stringVal(s(a, 0).trim()),
  trimAll: (a) => stringVal(trimChars(s(a, 1), s(a, 0), true, true)),
  trimall: (a) => stringVal(trimChars(s(a, 1), s(a, 0), true, true)),
  trimPrefix: (a) => stringVal(s(a, 1).startsWith(s(a, 0)) ? s(a, 1).slice(s(a, 0).length) : s(a, 1)),
  trimSuffix: (a) => stringVal(s(a, 0) !== '' && s(a, 1).endsWith(s(a, 0)) ? s(a, 1).slice(0, -s(a, 0).length) : s(a, 1)),
  hasPrefix: (a) => bool(s(a, 1).startsWith(s(a, 0))),
  hasSuffix: (a) => bool(s(a, 1).endsWith(s(a, 0))),
  lower: (a) => stringVal(s(a, 0).toLowerCase()),
  upper: (a) => stringVal(s(a, 0).toUpperCase()),
  title: (a) => stringVal(title(s(a, 0))),
  untitle: (a) => stringVal(s(a, 0).replace(/(^|\s)(\p{L})/gu, (_m, pre: string, c: string) => pre + c.toLowerCase())),
  replace: (a) => stringVal(s(a, 2).split(s(a, 0)).join(s(a, 1))),
  repeat: (a) => stringVal(s(a, 1).repeat(Math.max(n(a, 0), 0))),
  nospace: (a) => stringVal(s(a, 0).replace(/\s+/gu, '')),
  abbrev: (a) => stringVal(n(a, 0) < 4 || s(a, 1).length <= n(a, 0) ? s(a, 1) : `${s(a, 1).slice(0, n(a, 0) - 3)}...`),
  initials: (a) =>
    stringVal(
      words(s(a, 0))
        .map((w) => w[0])
        .join(''),
    ),
  camelcase: (a) =>
    stringVal(
      s(a, 0)
        .split(/[_\s-]+/)
        .filter((w) => w !== '')
        .map((w) => (w[0] as string).toUpperCase() + w.slice(1))
        .join(''),
    ),
  snakecase: (a) =>
    stringVal(
      s(a, 0)
        .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
        .replace(/[\s-]+/g, '_')
        .toLowerCase(),
    ),
  kebabcase: (a) =>
    stringVal(
      s(a, 0)
        .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
        .replace(/[\s_]+/g, '-')
        .toLowerCase(),
    ),
  swapcase: (a) => stringVal([...s(a, 0)].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('')),
  plural: (a) => stringVal(n(a, 2) === 1 ? s(a, 0) : s(a, 1)),
  splitList: (a) => stringList(s(a, 1).split(s(a, 0))),
  split: (a) => stringMapVal(splitMap(s(a, 1).split(s(a, 0)))),
  toString: (a: Val[]) => stringVal(strval(a[0] ?? NIL)),
  atoi: (a) => intVal(/^[+-]?\d+$/.test(s(a, 0).trim()) ? Number.parseInt(s(a, 0), 10) : 0),
  int: (a) => intVal(toInt64(a[0] ?? NIL)),
  int64: (a) => int64(toInt64(a[0] ?? NIL)),
  float64: (a) => float(toFloat64(a[0] ?? NIL)),
  b64enc: (a) => stringVal(Buffer.from(utf8Bytes(s(a, 0))).toString('base64')),
  b64dec: (a) => stringVal(Buffer.from(s(a, 0), 'base64').toString('utf8')),
  b32enc: (a) => stringVal(base32(utf8Bytes(s(a, 0)))),
  sha256sum: (a) => stringVal(createHash('sha256').update(s(a, 0)).digest('hex')),
  sha1sum: (a) => stringVal(createHash('sha1').update(s(a, 0)).digest('hex')),
  sha512sum: (a) => stringVal(createHash('sha512').update(s(a, 0)).digest('hex')),
  regexMatch: (a) => bool(regex(s(a, 0)).matcher(s(a, 1)).find()),
  mustRegexMatch: (a) => bool(regex(s(a, 0)).matcher(s(a, 1)).find()),
  regexFind: (a) => {
    const m = regex(s(a, 0)).matcher(s(a, 1));
    return stringVal(m.find() ? (m.group() ?? '') : '');
  },
  regexReplaceAll: (a) =>
    stringVal(
      regex(s(a, 0))
        .matcher(s(a, 1))
        .replaceAll(s(a, 2).replace(/\$\{?(\w+)\}?/g, '$$$1')),
    ),
  regexReplaceAllLiteral: (a) =>
    stringVal(
      regex(s(a, 0))
        .matcher(s(a, 1))
        .replaceAll(RE2JS.quoteReplacement(s(a, 2))),
    ),
  regexQuoteMeta: (a) => stringVal(RE2JS.quote(s(a, 0))),
  base: (a) => stringVal(pathBase(s(a, 0))),
  dir: (a) => stringVal(pathDir(s(a, 0))),
  ext: (a) => stringVal(/\.[^./]*$/.exec(s(a, 0))?.[0] ?? ''),
  isAbs: (a) => bool(s(a, 0).startsWith('/')),
  fail: (a) => {
    throw new CallError(s(a, 0));
  },
};

function splitMap(parts: string[]): Record<string, string> {
  return Object.fromEntries(parts.map((p, i) => [`_${i}`, p]));
}

function base32(bytes: Uint8Array): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const b of bytes) bits += b.toString(2).padStart(8, '0');
  let out = '';
  for (let i = 0; i < bits.length; i += 5) out += alphabet[parseInt(bits.slice(i, i + 5).padEnd(5, '0'), 2)];
  return out.padEnd(Math.ceil(out.length / 8) * 8, '=');
}

function pathBase(p: string): string {
  if (p === '') return '.';
  const trimmed = p.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

function pathDir(p: string): string {
  const i = p.lastIndexOf('/');
  const d = p.slice(0, i + 1).replace(/\/+$/, '') || (p.startsWith('/') ? '/' : '.');
  return d;
}
