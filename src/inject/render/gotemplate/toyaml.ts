// Istio's toYaml: sigs.k8s.io/yaml.Marshal, i.e. Go's JSON encoding read back by yaml.v2
// (integers stay integers, keys sorted in yaml.v2's natural order) and written by yaml.v2's
// emitter: block style, two-space indent, sequences at their key's indent, strings quoted
// when they would read back as another type, multi-line strings as literal blocks, and a
// trailing newline. Long lines are not folded (folding does not change what the YAML reads as).
import { marshal } from './gojson.js';
import { formatFloat } from './strconv.js';
import type { Val } from './value.js';

type Node = null | boolean | string | { readonly num: string } | Node[] | Map<string, Node>;

/** Parses Go's compact JSON output, keeping each number's text. */
function parseJSON(text: string): Node {
  let i = 0;
  const value = (): Node => {
    const c = text[i];
    if (c === '{') {
      i++;
      const m = new Map<string, Node>();
      if (text[i] === '}') {
        i++;
        return m;
      }
      for (;;) {
        const k = str();
        i++;
        m.set(k, value());
        if (text[i++] === '}') return m;
      }
    }
    if (c === '[') {
      i++;
      const a: Node[] = [];
      if (text[i] === ']') {
        i++;
        return a;
      }
      for (;;) {
        a.push(value());
        if (text[i++] === ']') return a;
      }
    }
    if (c === '"') return str();
    if (text.startsWith('true', i)) {
      i += 4;
      return true;
    }
    if (text.startsWith('false', i)) {
      i += 5;
      return false;
    }
    if (text.startsWith('null', i)) {
      i += 4;
      return null;
    }
    const m = /^-?[0-9.eE+-]+/.exec(text.slice(i, i + 40)) as RegExpExecArray;
    i += m[0].length;
    return { num: m[0] };
  };
  const str = (): string => {
    const start = i;
    i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  return value();
}

const isLetter = (c: string): boolean => /\p{L}/u.test(c);
const isDigit = (c: string): boolean => c >= '0' && c <= '9';

/** yaml.v2's key order: numbers in digit runs compare numerically, letters before others. */
export function naturalLess(a: string, b: string): number {
  const ar = [...a];
  const br = [...b];
  for (let i = 0; i < ar.length && i < br.length; i++) {
    const x = ar[i] as string;
    const y = br[i] as string;
    if (x === y) continue;
    const xl = isLetter(x);
    const yl = isLetter(y);
    if (xl && yl) return (x.codePointAt(0) as number) - (y.codePointAt(0) as number);
    if (xl || yl) return yl ? -1 : 1;
    let an = 0;
    let bn = 0;
    if (x === '0' || y === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j] as string); j--) {
        if (ar[j] !== '0') {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    let ai = i;
    let bi = i;
    for (; ai < ar.length && isDigit(ar[ai] as string); ai++) an = an * 10 + Number(ar[ai]);
    for (; bi < br.length && isDigit(br[bi] as string); bi++) bn = bn * 10 + Number(br[bi]);
    if (an !== bn) return an - bn;
    if (ai !== bi) return ai - bi;
    return (x.codePointAt(0) as number) - (y.codePointAt(0) as number);
  }
  return ar.length - br.length;
}

const BOOLS_AND_NULLS = new Set([
  'y',
  'Y',
  'yes',
  'Yes',
  'YES',
  'n',
  'N',
  'no',
  'No',
  'NO',
  'true',
  'True',
  'TRUE',
  'false',
  'False',
  'FALSE',
  'on',
  'On',
  'ON',
  'off',
  'Off',
  'OFF',
  '',
  '~',
  'null',
  'Null',
  'NULL',
  '.nan',
  '.NaN',
  '.NAN',
  '.inf',
  '.Inf',
  '.INF',
  '+.inf',
  '+.Inf',
  '+.INF',
  '-.inf',
  '-.Inf',
  '-.INF',
  '<<',
]);

/** Whether a plain scalar would read back as something other than this string (yaml.v2 resolve). */
export function resolvesAsNonString(s: string): boolean {
  if (BOOLS_AND_NULLS.has(s)) return true;
  const c = s[0] ?? '';
  if (c === '.') return /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(s) || /^\.(inf|Inf|INF|nan|NaN|NAN)$/.test(s);
  if (!(isDigit(c) || c === '+' || c === '-')) return false;
  if (/^\d{4}-\d{1,2}-\d{1,2}([Tt ].*)?$/.test(s)) return true;
  const plain = s.replace(/_/g, '');
  if (/^[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.test(plain)) return true;
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(plain)) return true;
  return /^-?0b[01]+$/.test(plain);
}

/** yaml.v2's base-60 float check: such strings are quoted. */
const isBase60Float = (s: string): boolean => /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/.test(s);

interface Analysis {
  readonly plain: boolean;
  readonly single: boolean;
  readonly block: boolean;
}

/** The emitter's scalar analysis (which styles can show this text). */
function analyze(s: string): Analysis {
  if (s === '') return { plain: true, single: true, block: false };
  let blockIndicators = s.startsWith('---') || s.startsWith('...');
  let special = false;
  const breaks = s.includes('\n');
  const leadingSpace = s[0] === ' ' || s[0] === '\n';
  const trailingSpace = s.endsWith(' ');
  const trailingBreak = s.endsWith('\n');
  const spaceBreak = / \n/.test(s);
  const breakSpace = /\n /.test(s);
  const chars = [...s];
  chars.forEach((ch, i) => {
    const followedByBlank = i + 1 >= chars.length || chars[i + 1] === ' ' || chars[i + 1] === '\t' || chars[i + 1] === '\n';
    const precededByBlank = i === 0 || chars[i - 1] === ' ' || chars[i - 1] === '\t' || chars[i - 1] === '\n';
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) blockIndicators = true;
      else if ((ch === '?' || ch === ':' || ch === '-') && followedByBlank) blockIndicators = true;
    } else if ((ch === ':' && followedByBlank) || (ch === '#' && precededByBlank)) blockIndicators = true;
    const cp = ch.codePointAt(0) as number;
    const printable =
      cp === 0x9 ||
      cp === 0xa ||
      cp === 0xd ||
      (cp >= 0x20 && cp <= 0x7e) ||
      cp === 0x85 ||
      (cp >= 0xa0 && cp <= 0xd7ff) ||
      (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff) ||
      cp >= 0x10000;
    if (!printable) special = true;
  });
  const plain = !(leadingSpace || trailingSpace || trailingBreak || breakSpace || spaceBreak || special || breaks || blockIndicators);
  return { plain, single: !(breakSpace || spaceBreak || special), block: !(trailingSpace || spaceBreak || special) };
}

function doubleQuoted(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (cp >= 0x20 && cp <= 0x7e) out += ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\0') out += '\\0';
    else if (cp < 0x20 || cp === 0x7f || cp === 0xfeff || (cp >= 0xd800 && cp < 0xe000)) out += `\\x${cp.toString(16).toUpperCase().padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

function literal(s: string, indent: number): string {
  const chomp = s.endsWith('\n') ? (s.endsWith('\n\n') ? '+' : '') : '-';
  const hint = s.startsWith(' ') || s.startsWith('\n') ? '2' : '';
  const body = (chomp === '-' ? s : s.replace(/\n$/, '')).split('\n');
  return `|${hint}${chomp}\n${body.map((l) => (l === '' ? '' : ' '.repeat(indent) + l)).join('\n')}`;
}

/** A string scalar in the style yaml.v2 picks for it (encoder's choice, then the emitter's fallbacks). */
function scalar(s: string, indent: number, isKey: boolean): string {
  const a = analyze(s);
  if (s.includes('\n')) return a.block && !isKey ? literal(s, indent) : doubleQuoted(s);
  if (resolvesAsNonString(s) || isBase60Float(s)) return doubleQuoted(s);
  if (a.plain && !(s === '' && isKey)) return s;
  return a.single ? `'${s.replace(/'/g, "''")}'` : doubleQuoted(s);
}

function num(text: string): string {
  if (/^-?[0-9]+$/.test(text)) return String(BigInt(text));
  return formatFloat(Number(text), 'g', -1)
    .replace(/^\+Inf$/, '.inf')
    .replace(/^-Inf$/, '-.inf')
    .replace(/^NaN$/, '.nan');
}

function inline(n: Node, indent: number): string | undefined {
  if (n === null) return 'null';
  if (typeof n === 'boolean') return String(n);
  if (typeof n === 'string') return scalar(n, indent, false);
  if (Array.isArray(n)) return n.length === 0 ? '[]' : undefined;
  if (n instanceof Map) return n.size === 0 ? '{}' : undefined;
  return num(n.num);
}

function emit(n: Node, indent: number, out: string[]): void {
  if (Array.isArray(n)) {
    for (const item of n) {
      const one = inline(item, indent + 2);
      if (one !== undefined) out.push(`${' '.repeat(indent)}- ${one}`);
      else {
        const inner: string[] = [];
        emit(item, indent + 2, inner);
        const first = inner[0] as string;
        out.push(`${' '.repeat(indent)}- ${first.slice(indent + 2)}`, ...inner.slice(1));
      }
    }
    return;
  }
  const m = n as Map<string, Node>;
  for (const k of [...m.keys()].sort(naturalLess)) {
    const v = m.get(k) as Node;
    const key = scalar(k, indent, true);
    const one = inline(v, indent + 2);
    if (one !== undefined) out.push(`${' '.repeat(indent)}${key}: ${one}`);
    else {
      out.push(`${' '.repeat(indent)}${key}:`);
      emit(v, Array.isArray(v) ? indent : indent + 2, out);
    }
  }
}

/** sigs.k8s.io/yaml.Marshal of a value. */
export function toYaml(v: Val): string {
  const n = parseJSON(marshal(v));
  const one = inline(n, 0);
  if (one !== undefined) return `${one}\n`;
  const out: string[] = [];
  emit(n, 0, out);
  return `${out.join('\n')}\n`;
}
