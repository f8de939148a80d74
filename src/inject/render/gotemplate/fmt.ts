// Go's fmt for template values: Sprint, Sprintln and Sprintf with their verbs, flags, width and
// precision, the default formats (`map[a:1 b:2]` with sorted keys, `[a b]`, `<nil>`, floats as
// 1e+06), String() methods where Go calls them, and Go's markers for bad arguments
// (`%!d(string=x)`, `%!v(MISSING)`).
import { stringMethodOf } from './methods.js';
import { canBackquote, formatFloat, isPrint, quote, quoteRune, runeCount, utf8Bytes } from './strconv.js';
import { concrete, elem, fieldOf, isNil, isValid, keyVal, mapIndex, NIL, sliceIndex, sortedKeys, type Val } from './value.js';

export interface Spec {
  plus: boolean;
  minus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width: number | undefined;
  prec: number | undefined;
}

const plain = (): Spec => ({ plus: false, minus: false, sharp: false, space: false, zero: false, width: undefined, prec: undefined });

function pad(s: string, spec: Spec, zeroOK = true): string {
  if (spec.width === undefined) return s;
  const n = spec.width - runeCount(s);
  if (n <= 0) return s;
  if (spec.minus) return s + ' '.repeat(n);
  if (spec.zero && zeroOK) {
    const sign = /^[+\- ]/.test(s) ? (s[0] as string) : '';
    return sign + '0'.repeat(n) + s.slice(sign.length);
  }
  return ' '.repeat(n) + s;
}

function bad(verb: string, v: Val): string {
  if (v === NIL || !isValid(v)) return `%!${verb}(<nil>)`;
  return `%!${verb}(${v.t.name}=${formatValue(v, 'v', plain(), 0)})`;
}

function fmtInteger(n: number, verb: string, spec: Spec, v: Val): string {
  const neg = n < 0;
  const abs = Math.abs(n);
  let digits: string;
  let prefix = '';
  switch (verb) {
    case 'v':
    case 'd':
      digits = abs.toString(10);
      break;
    case 'b':
      digits = abs.toString(2);
      if (spec.sharp) prefix = '0b';
      break;
    case 'o':
    case 'O':
      digits = abs.toString(8);
      if (verb === 'O') prefix = '0o';
      else if (spec.sharp && digits !== '0') prefix = '0';
      break;
    case 'x':
    case 'X':
      digits = abs.toString(16);
      if (verb === 'X') digits = digits.toUpperCase();
      if (spec.sharp) prefix = verb === 'x' ? '0x' : '0X';
      break;
    case 'c':
      return pad(String.fromCodePoint(n >= 0 && n <= 0x10ffff ? n : 0xfffd), spec, false);
    case 'q':
      return pad(quoteRune(n, spec.plus), spec, false);
    case 'U': {
      const u = `U+${abs.toString(16).toUpperCase().padStart(4, '0')}`;
      return pad(spec.sharp && isPrint(String.fromCodePoint(n)) ? `${u} '${String.fromCodePoint(n)}'` : u, spec, false);
    }
    default:
      return bad(verb, v);
  }
  if (spec.prec !== undefined) digits = spec.prec === 0 && n === 0 ? '' : digits.padStart(spec.prec, '0');
  const sign = neg ? '-' : spec.plus ? '+' : spec.space ? ' ' : '';
  const s = sign + prefix + digits;
  if (spec.zero && !spec.minus && spec.width !== undefined && spec.prec === undefined) {
    const n2 = spec.width - s.length;
    return n2 > 0 ? sign + prefix + '0'.repeat(n2) + digits : s;
  }
  return pad(s, spec, false);
}

function fmtFloatVerb(x: number, verb: string, spec: Spec, v: Val): string {
  const map: Readonly<Record<string, ['e' | 'E' | 'f' | 'g' | 'G', number]>> = {
    v: ['g', -1],
    g: ['g', -1],
    G: ['G', -1],
    e: ['e', 6],
    E: ['E', 6],
    f: ['f', 6],
    F: ['f', 6],
  };
  const m = map[verb];
  if (!m) return bad(verb, v);
  let s = formatFloat(x, m[0], spec.prec ?? m[1]);
  if (spec.sharp && !s.includes('.') && !/[eEIN]/.test(s)) s += '.';
  if (!s.startsWith('-') && !/^[+]?(Inf|NaN)$/.test(s)) s = (spec.plus ? '+' : spec.space ? ' ' : '') + s;
  if (spec.plus && s === 'NaN') s = '+NaN';
  return pad(s, spec, !/Inf|NaN/.test(s));
}

function fmtString(s: string, verb: string, spec: Spec, v: Val): string {
  switch (verb) {
    case 'v':
    case 's':
      return pad(spec.prec === undefined ? s : [...s].slice(0, spec.prec).join(''), spec);
    case 'q':
      return pad(spec.sharp && canBackquote(s) ? `\`${s}\`` : quote(s, spec.plus), spec);
    case 'x':
    case 'X': {
      const bytes = [...utf8Bytes(s)].map((b) => b.toString(16).padStart(2, '0'));
      const out = bytes.map((b) => (spec.sharp ? `0x${b}` : b)).join(spec.space ? ' ' : '');
      return pad(verb === 'X' ? out.toUpperCase().replace(/0X/g, '0X') : out, spec);
    }
  }
  return bad(verb, v);
}

/** The text of one operand under a verb, at nesting depth `depth` (fmt's printValue). */
export function formatValue(v0: Val, verb: string, spec: Spec, depth: number): string {
  const v = concrete(v0);
  if (verb === 'T') return pad(v === NIL || !isValid(v) ? '<nil>' : v.t.name, spec);
  if (v === NIL || !isValid(v)) {
    if (depth > 0 && verb === 'v') return '<nil>';
    return depth === 0 && verb === 'v' ? pad('<nil>', spec) : bad(verb, v);
  }
  if (verb !== 'T' && verb !== 'p' && 'vsxXq'.includes(verb)) {
    const s = stringMethodOf(v);
    if (s !== undefined) return fmtString(s, verb === 'v' ? 's' : verb, spec, v);
  }
  const t = v.t;
  if (t.kind === 'bool') return verb === 'v' || verb === 't' ? pad(String(v.v), spec) : bad(verb, v);
  if (t.isInt || t.isUint) return fmtInteger(v.v as number, verb, spec, v);
  if (t.isFloat) return fmtFloatVerb(v.v as number, verb, spec, v);
  if (t.kind === 'string') return fmtString(v.v as string, verb, spec, v);
  return formatComposite(v, verb, spec, depth);
}

function formatComposite(v: Val, verb: string, spec: Spec, depth: number): string {
  const t = v.t;
  switch (t.kind) {
    case 'map': {
      const parts = sortedKeys(v).map((k) => `${formatValue(keyVal(v, k), verb, spec, depth + 1)}:${formatValue(mapIndex(v, k), verb, spec, depth + 1)}`);
      return `map[${parts.join(' ')}]`;
    }
    case 'slice':
    case 'array': {
      const items = (v.v as unknown[] | null) ?? [];
      if (t.elem?.kind === 'uint8' && 'sxXq'.includes(verb)) return fmtString(String.fromCharCode(...(items as number[])), verb, spec, v);
      return `[${items.map((_x, i) => formatValue(sliceIndex(v, i), verb, spec, depth + 1)).join(' ')}]`;
    }
    case 'struct':
      return `{${t.fields.map((f) => (spec.plus ? `${f.name}:` : '') + formatValue(fieldOf(v, [f]), verb, spec, depth + 1)).join(' ')}}`;
    case 'ptr':
      if (isNil(v)) return verb === 'v' || verb === 'p' ? pad('<nil>', spec) : bad(verb, v);
      if (depth === 0 && ['struct', 'map', 'slice', 'array'].includes(t.elem?.kind ?? '')) return `&${formatValue(elem(v), verb, spec, depth + 1)}`;
      return verb === 'v' || verb === 'p' ? '0xc000010000' : bad(verb, v);
  }
  return verb === 'v' ? `${t.name}` : bad(verb, v);
}

const isStringVal = (v: Val): boolean => concrete(v).t.kind === 'string';

/** fmt.Sprint: spaces between operands when neither is a string. */
export function sprint(args: readonly Val[]): string {
  let out = '';
  args.forEach((a, i) => {
    if (i > 0 && !isStringVal(a) && !isStringVal(args[i - 1] as Val)) out += ' ';
    out += formatValue(a, 'v', plain(), 0);
  });
  return out;
}

/** fmt.Sprintln: always spaces, and a newline. */
export function sprintln(args: readonly Val[]): string {
  return `${args.map((a) => formatValue(a, 'v', plain(), 0)).join(' ')}\n`;
}

/** fmt.Sprint of a single value. */
export function sprintOne(v: Val): string {
  return formatValue(v, 'v', plain(), 0);
}

export { sprintf } from './sprintf.js';
export { plain as plainSpec };
