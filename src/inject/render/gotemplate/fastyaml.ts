// A fast reader for the YAML that injection templates render: block mappings and sequences,
// flow collections (indented as loosely as libyaml allows), plain, quoted and literal-block
// scalars, comments, and YAML 1.1 scalar types as yaml.v2 resolves them. Anything else
// (anchors, tags, folded or multi-line scalars, several documents, tabs) is left to the full
// parser: parseFast throws Unsupported and the caller falls back. Measured: the full parser
// took over half of a request with Istio's templates.

/** The text uses YAML this reader does not handle; the full parser must read it. */
export class Unsupported extends Error {}

const unsupported = (why: string): never => {
  throw new Unsupported(why);
};

interface Line {
  indent: number;
  text: string;
}

const BOOLS: Readonly<Record<string, boolean>> = {
  y: true,
  Y: true,
  yes: true,
  Yes: true,
  YES: true,
  true: true,
  True: true,
  TRUE: true,
  on: true,
  On: true,
  ON: true,
  n: false,
  N: false,
  no: false,
  No: false,
  NO: false,
  false: false,
  False: false,
  FALSE: false,
  off: false,
  Off: false,
  OFF: false,
};
const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const INT = /^[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
const FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

function parseInt64(s: string): number {
  const neg = s.startsWith('-');
  const body = s.replace(/^[-+]/, '');
  let v: number;
  if (/^0[xX]/.test(body)) v = parseInt(body.slice(2), 16);
  else if (/^0[oO]/.test(body)) v = parseInt(body.slice(2), 8);
  else if (/^0[bB]/.test(body)) v = parseInt(body.slice(2), 2);
  else if (body.length > 1 && body.startsWith('0')) v = parseInt(body.slice(1), 8);
  else v = Number(body);
  return neg ? -v : v;
}

/** A plain scalar's value, as yaml.v2 resolves it (timestamps stay strings). */
export function resolvePlain(s: string): unknown {
  if (NULLS.has(s)) return null;
  const b = BOOLS[s];
  if (b !== undefined) return b;
  const c = s[0] ?? '';
  if (c === '.' || c === '+' || c === '-' || (c >= '0' && c <= '9')) {
    if (/^[-+]?\.(inf|Inf|INF)$/.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
    if (/^\.(nan|NaN|NAN)$/.test(s)) return NaN;
    const plain = s.includes('_') ? s.replace(/_/g, '') : s;
    if (INT.test(plain)) return parseInt64(plain);
    if (FLOAT.test(plain)) return Number(plain);
  }
  return s;
}

function setKey(o: Record<string, unknown>, key: unknown, value: unknown): void {
  const k = key === null ? 'null' : String(key);
  if (k === '__proto__') Object.defineProperty(o, k, { value, enumerable: true, writable: true, configurable: true });
  else o[k] = value;
}

const PLAIN_START_BAD = /^([-?:](\s|$)|[,[\]{}#&*!|>'"%@`])/;

/** Reads the rendered text; throws Unsupported for YAML outside the handled subset. */
export function parseFast(text: string): unknown {
  if (text.includes('\t') || text.includes('\r')) unsupported('tabs or carriage returns');
  const lines: Line[] = [];
  for (const raw of text.split('\n')) {
    let i = 0;
    while (raw.charCodeAt(i) === 32) i++;
    const rest = raw.slice(i);
    if (rest.startsWith('---') || rest.startsWith('...') || rest.startsWith('%')) unsupported('document markers');
    lines.push({ indent: i, text: rest });
  }
  const p = new Reader(lines);
  const v = p.node(0);
  p.skipBlank();
  if (p.i < lines.length) unsupported('trailing content');
  return v;
}

const isBlank = (l: Line): boolean => l.text === '' || l.text.startsWith('#');

class Reader {
  i = 0;
  constructor(private readonly lines: Line[]) {}

  skipBlank(): void {
    while (this.i < this.lines.length && isBlank(this.lines[this.i] as Line)) this.i++;
  }

  private peek(): Line | undefined {
    this.skipBlank();
    return this.lines[this.i];
  }

  /** The node whose first line is at indent ≥ min. */
  node(min: number): unknown {
    const l = this.peek();
    if (l === undefined || l.indent < min) return null;
    if (l.text === '-' || l.text.startsWith('- ')) return this.sequence(l.indent);
    if (keyEnd(l.text) >= 0) return this.mapping(l.indent);
    this.i++;
    return this.inline(l.text, l.indent);
  }

  private sequence(n: number): unknown[] {
    const out: unknown[] = [];
    for (;;) {
      const l = this.peek();
      if (l === undefined || l.indent !== n || !(l.text === '-' || l.text.startsWith('- '))) break;
      const rest = l.text.slice(1);
      const pad = rest.length - rest.trimStart().length;
      if (rest.trim() === '' || rest.trimStart().startsWith('#')) {
        this.i++;
        out.push(this.node(n + 1));
        continue;
      }
      l.indent = n + 1 + pad;
      l.text = rest.trimStart();
      out.push(this.node(l.indent));
    }
    const l = this.peek();
    if (l !== undefined && l.indent > n) unsupported('bad indentation after a sequence');
    return out;
  }

  private mapping(n: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (;;) {
      const l = this.peek();
      if (l === undefined || l.indent < n) break;
      if (l.indent > n || l.text === '-' || l.text.startsWith('- ')) unsupported('bad indentation in a mapping');
      const end = keyEnd(l.text);
      if (end < 0) unsupported('a line that is not a key');
      const key = scalarKey(l.text.slice(0, end));
      const rest = l.text.slice(end + 1).trim();
      this.i++;
      setKey(out, key, this.value(rest, n));
    }
    return out;
  }

  /** The value after `key:` on a line of indent n. */
  private value(rest: string, n: number): unknown {
    if (rest === '' || rest.startsWith('#')) {
      const next = this.peek();
      if (next === undefined) return null;
      if (next.indent > n) return this.node(next.indent);
      if (next.indent === n && (next.text === '-' || next.text.startsWith('- '))) return this.sequence(n);
      return null;
    }
    if (rest[0] === '|') return this.literal(rest, n);
    const v = this.inline(rest, n);
    const next = this.peek();
    if (next !== undefined && next.indent > n && typeof v !== 'object') unsupported('a multi-line scalar');
    return v;
  }

  private literal(header: string, n: number): string {
    const m = /^\|([1-9])?([-+])?([1-9])?\s*(#.*)?$/.exec(header);
    if (!m) return unsupported('a block scalar header');
    const explicit = Number(m[1] ?? m[3] ?? 0);
    const chomp = m[2] ?? '';
    const body: string[] = [];
    let indent = explicit > 0 ? n + explicit : -1;
    while (this.i < this.lines.length) {
      const l = this.lines[this.i] as Line;
      if (l.text === '') {
        body.push(l.indent > indent && indent >= 0 ? ' '.repeat(l.indent - indent) : '');
        this.i++;
        continue;
      }
      if (indent < 0) {
        if (l.indent <= n) break;
        indent = l.indent;
      }
      if (l.indent < indent) break;
      body.push(' '.repeat(l.indent - indent) + l.text);
      this.i++;
    }
    let end = body.length;
    while (end > 0 && body[end - 1] === '') end--;
    const content = body.slice(0, end).join('\n');
    if (chomp === '-') return content;
    if (chomp === '+') return content + '\n'.repeat(body.length - end + (end > 0 ? 1 : 0));
    return end > 0 ? `${content}\n` : '';
  }

  /** A scalar or flow collection starting on this line (flow collections may span lines). */
  private inline(text: string, _n: number): unknown {
    const c = text[0];
    if (c === '{' || c === '[') {
      const flow = new Flow(() => {
        const l = this.lines[this.i];
        if (l === undefined) return undefined;
        this.i++;
        return l.text;
      });
      const v = flow.parse(text);
      const tail = flow.rest().trim();
      if (tail !== '' && !tail.startsWith('#')) unsupported('content after a flow collection');
      return v;
    }
    if (c === '"' || c === "'") {
      const [v, after] = quoted(text, 0);
      const tail = text.slice(after).trim();
      if (tail !== '' && !tail.startsWith('#')) unsupported('content after a quoted scalar');
      return v;
    }
    if (c === '&' || c === '*' || c === '!' || c === '>' || c === '|') unsupported('anchors, aliases, tags or folded scalars');
    const plain = stripComment(text);
    if (PLAIN_START_BAD.test(plain) || plain.includes(': ')) unsupported('a plain scalar YAML would not take');
    return resolvePlain(plain);
  }
}

/** Index of the `:` that ends a block mapping key on this line, or -1. */
function keyEnd(text: string): number {
  if (text[0] === '"' || text[0] === "'") {
    let after: number;
    try {
      after = quoted(text, 0)[1];
    } catch (e) {
      if (e instanceof Unsupported) return -1;
      throw e;
    }
    return text[after] === ':' && (after + 1 === text.length || text[after + 1] === ' ') ? after : -1;
  }
  if (text[0] === '{' || text[0] === '[' || text[0] === '?' || text[0] === '#') return -1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === ':' && (i + 1 === text.length || text[i + 1] === ' ')) return i;
    if (ch === '#' && i > 0 && text[i - 1] === ' ') return -1;
  }
  return -1;
}

function scalarKey(raw: string): unknown {
  const t = raw.trim();
  if (t[0] === '"' || t[0] === "'") return quoted(t, 0)[0];
  if (PLAIN_START_BAD.test(t)) unsupported('a key YAML would not take');
  return resolvePlain(t);
}

function stripComment(text: string): string {
  const i = text.search(/\s#/);
  return (i >= 0 ? text.slice(0, i) : text).trim();
}

const DQ_ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\x85',
  _: '\xa0',
  L: '\u2028',
  P: '\u2029',
};

/** A quoted scalar starting at `at` on one line: its value and the index after it. */
export function quoted(text: string, at: number): [string, number] {
  const q = text[at];
  let out = '';
  for (let i = at + 1; i < text.length; i++) {
    const ch = text[i] as string;
    if (q === "'") {
      if (ch === "'") {
        if (text[i + 1] === "'") {
          out += "'";
          i++;
          continue;
        }
        return [out, i + 1];
      }
      out += ch;
      continue;
    }
    if (ch === '"') return [out, i + 1];
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const e = text[i + 1] ?? '';
    const simple = DQ_ESCAPES[e];
    if (simple !== undefined) {
      out += simple;
      i++;
      continue;
    }
    const width = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
    const hex = text.slice(i + 2, i + 2 + width);
    if (width === 0 || !/^[0-9a-fA-F]+$/.test(hex) || hex.length !== width) unsupported('an escape sequence');
    out += String.fromCodePoint(parseInt(hex, 16));
    i += 1 + width;
  }
  return unsupported('a quoted scalar that continues on the next line');
}

/** Flow collections: `{a: b, c: [d]}` over as many lines as they take. */
class Flow {
  private src = '';
  private pos = 0;

  constructor(private readonly more: () => string | undefined) {}

  rest(): string {
    return this.src.slice(this.pos);
  }

  parse(first: string): unknown {
    this.src = first;
    this.pos = 0;
    return this.value();
  }

  private ws(): void {
    for (;;) {
      while (this.pos < this.src.length && this.src[this.pos] === ' ') this.pos++;
      if (this.src[this.pos] === '#' && (this.pos === 0 || this.src[this.pos - 1] === ' ')) this.pos = this.src.length;
      if (this.pos < this.src.length) return;
      const next = this.more();
      if (next === undefined) unsupported('an unterminated flow collection');
      this.src = next as string;
      this.pos = 0;
    }
  }

  private value(): unknown {
    this.ws();
    const c = this.src[this.pos];
    if (c === '{') return this.collection('}');
    if (c === '[') return this.collection(']');
    if (c === '"' || c === "'") {
      const [v, after] = quoted(this.src, this.pos);
      this.pos = after;
      return v;
    }
    const start = this.pos;
    while (this.pos < this.src.length) {
      const ch = this.src[this.pos];
      if (
        ch === ',' ||
        ch === '}' ||
        ch === ']' ||
        (ch === ':' && (this.src[this.pos + 1] === ' ' || this.pos + 1 === this.src.length)) ||
        (ch === '#' && this.src[this.pos - 1] === ' ')
      )
        break;
      if (ch === '[' || ch === '{') unsupported('a flow indicator inside a plain scalar');
      this.pos++;
    }
    const plain = this.src.slice(start, this.pos).trim();
    if (PLAIN_START_BAD.test(plain)) unsupported('a plain scalar YAML would not take');
    return resolvePlain(plain);
  }

  private collection(close: '}' | ']'): unknown {
    this.pos++;
    const isMap = close === '}';
    const map: Record<string, unknown> = {};
    const list: unknown[] = [];
    for (;;) {
      this.ws();
      if (this.src[this.pos] === close) {
        this.pos++;
        return isMap ? map : list;
      }
      const key = this.value();
      this.ws();
      let value: unknown = null;
      if (this.src[this.pos] === ':') {
        this.pos++;
        this.ws();
        if (this.src[this.pos] !== ',' && this.src[this.pos] !== close) value = this.value();
        if (!isMap) unsupported('a mapping inside a flow sequence');
      }
      if (isMap) setKey(map, key, value);
      else list.push(key);
      this.ws();
      if (this.src[this.pos] === ',') this.pos++;
      else if (this.src[this.pos] !== close) unsupported('a flow collection without a separator');
    }
  }
}
