// The lexer of Go's text/template: text between `{{ }}` actions, trim markers (`{{- ` and
// ` -}}` remove the whitespace next to them), `{{/* comments */}}`, and the tokens inside an
// action (fields, variables, strings, numbers, keywords, pipes, parentheses). Positions are
// offsets into the template text; the parser turns them into line and column for errors.

export type TokenType =
  | 'text'
  | 'leftDelim'
  | 'rightDelim'
  | 'space'
  | 'eof'
  | 'error'
  | 'assign'
  | 'declare'
  | 'pipe'
  | 'leftParen'
  | 'rightParen'
  | 'char'
  | 'string'
  | 'rawString'
  | 'charConstant'
  | 'number'
  | 'complex'
  | 'identifier'
  | 'field'
  | 'variable'
  | 'dot'
  | 'bool'
  | 'nil'
  | 'block'
  | 'break'
  | 'continue'
  | 'define'
  | 'else'
  | 'end'
  | 'if'
  | 'range'
  | 'template'
  | 'with';

export interface Token {
  readonly type: TokenType;
  readonly value: string;
  readonly pos: number;
}

const KEYWORDS: ReadonlyMap<string, TokenType> = new Map<string, TokenType>([
  ['block', 'block'],
  ['break', 'break'],
  ['continue', 'continue'],
  ['define', 'define'],
  ['else', 'else'],
  ['end', 'end'],
  ['if', 'if'],
  ['range', 'range'],
  ['template', 'template'],
  ['with', 'with'],
  ['nil', 'nil'],
]);

const LEFT = '{{';
const RIGHT = '}}';
const SPACES = ' \t\r\n';

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isDigit = (c: string): boolean => c >= '0' && c <= '9';

/** Go's isAlphaNumeric: `_`, Unicode letters and digits. */
function isAlphaNumeric(c: string | undefined): boolean {
  if (c === undefined) return false;
  if (c === '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c)) return true;
  return c.charCodeAt(0) > 127 && /[\p{L}\p{Nd}]/u.test(c);
}

const hasLeftTrim = (s: string, at: number): boolean => s[at] === '-' && isSpace(s[at + 1]);
const hasRightTrim = (s: string, at: number): boolean => isSpace(s[at]) && s[at + 1] === '-';

function trimRightLength(s: string): number {
  let i = s.length;
  while (i > 0 && SPACES.includes(s[i - 1] as string)) i--;
  return s.length - i;
}

function skipSpaces(s: string, at: number): number {
  while (at < s.length && SPACES.includes(s[at] as string)) at++;
  return at;
}

/** Tokenises a whole template; the last token is `eof` or `error`. */
export function lex(input: string): Token[] {
  return new Lexer(input).run();
}

class Lexer {
  private pos = 0;
  private start = 0;
  private parenDepth = 0;
  private readonly out: Token[] = [];

  constructor(private readonly input: string) {}

  run(): Token[] {
    for (;;) {
      const last = this.out[this.out.length - 1];
      if (last && (last.type === 'eof' || last.type === 'error')) return this.out;
      this.text();
    }
  }

  private emit(type: TokenType, value = this.input.slice(this.start, this.pos)): void {
    this.out.push({ type, value, pos: this.start });
    this.start = this.pos;
  }

  private fail(message: string): false {
    this.out.push({ type: 'error', value: message, pos: this.start });
    return false;
  }

  private text(): void {
    const x = this.input.indexOf(LEFT, this.pos);
    if (x < 0) {
      this.pos = this.input.length;
      if (this.pos > this.start) this.emit('text');
      this.emit('eof', '');
      return;
    }
    if (x > this.pos) {
      const trim = hasLeftTrim(this.input, x + LEFT.length) ? trimRightLength(this.input.slice(this.start, x)) : 0;
      this.pos = x - trim;
      if (this.pos > this.start) this.emit('text');
      this.pos = x;
      this.start = x;
    }
    this.leftDelim();
  }

  private leftDelim(): void {
    this.pos += LEFT.length;
    const trim = hasLeftTrim(this.input, this.pos);
    const after = trim ? 2 : 0;
    if (this.input.startsWith('/*', this.pos + after)) {
      this.pos += after;
      this.start = this.pos;
      this.comment();
      return;
    }
    this.emit('leftDelim', LEFT);
    this.pos += after;
    this.start = this.pos;
    this.parenDepth = 0;
    while (this.insideAction());
  }

  /** After `*\/` there must be the closing delimiter, optionally with its trim marker. */
  private comment(): void {
    const end = this.input.indexOf('*/', this.pos + 2);
    if (end < 0) {
      this.fail('unclosed comment');
      return;
    }
    this.pos = end + 2;
    const [delim, trim] = this.atRightDelim();
    if (!delim) {
      this.fail('comment ends before closing delimiter');
      return;
    }
    this.pos += (trim ? 2 : 0) + RIGHT.length;
    if (trim) this.pos = skipSpaces(this.input, this.pos);
    this.start = this.pos;
  }

  private atRightDelim(): [boolean, boolean] {
    if (hasRightTrim(this.input, this.pos) && this.input.startsWith(RIGHT, this.pos + 2)) return [true, true];
    return [this.input.startsWith(RIGHT, this.pos), false];
  }

  private rightDelim(): void {
    const [, trim] = this.atRightDelim();
    if (trim) {
      this.pos += 2;
      this.start = this.pos;
    }
    this.pos += RIGHT.length;
    this.emit('rightDelim', RIGHT);
    if (trim) {
      this.pos = skipSpaces(this.input, this.pos);
      this.start = this.pos;
    }
  }

  /** One token inside an action; false when the action is over (or failed). */
  private insideAction(): boolean {
    const [delim] = this.atRightDelim();
    if (delim) {
      if (this.parenDepth !== 0) return this.fail('unclosed left paren');
      this.rightDelim();
      return false;
    }
    const c = this.input[this.pos];
    if (c === undefined) return this.fail('unclosed action');
    if (isSpace(c)) return this.space();
    this.pos++;
    switch (c) {
      case '=':
        this.emit('assign');
        return true;
      case ':':
        if (this.input[this.pos] !== '=') return this.fail('expected :=');
        this.pos++;
        this.emit('declare');
        return true;
      case '|':
        this.emit('pipe');
        return true;
      case '"':
        return this.quote();
      case '`':
        return this.rawQuote();
      case '$':
        return this.fieldOrVariable('variable');
      case "'":
        return this.charConstant();
      case '(':
        this.parenDepth++;
        this.emit('leftParen');
        return true;
      case ')':
        this.parenDepth--;
        if (this.parenDepth < 0) return this.fail('unexpected right paren');
        this.emit('rightParen');
        return true;
    }
    return this.other(c);
  }

  private other(c: string): boolean {
    if (c === '.') {
      const next = this.input[this.pos];
      if (next === undefined || !isDigit(next)) return this.fieldOrVariable('field');
    }
    if (c === '.' || c === '+' || c === '-' || isDigit(c)) {
      this.pos--;
      return this.number();
    }
    if (isAlphaNumeric(c) || (c.charCodeAt(0) >= 0xd800 && c.charCodeAt(0) < 0xdc00 && isAlphaNumeric(this.input.slice(this.pos - 1, this.pos + 1)))) {
      this.pos--;
      return this.identifier();
    }
    if (c >= ' ' && c <= '~') {
      this.emit('char');
      return true;
    }
    const cp = this.input.codePointAt(this.pos - 1) ?? 0;
    return this.fail(`unrecognized character in action: U+${cp.toString(16).toUpperCase().padStart(4, '0')}`);
  }

  private space(): boolean {
    let n = 0;
    while (isSpace(this.input[this.pos])) {
      this.pos++;
      n++;
    }
    if (hasRightTrim(this.input, this.pos - 1) && this.input.startsWith(RIGHT, this.pos + 1)) {
      this.pos--;
      if (n === 1) {
        this.rightDelim();
        return false;
      }
    }
    this.emit('space');
    return true;
  }

  private atTerminator(): boolean {
    const c = this.input[this.pos];
    if (c === undefined || isSpace(c) || '.,|:)('.includes(c)) return true;
    return this.input.startsWith(RIGHT, this.pos);
  }

  private readWord(): void {
    for (;;) {
      const c = this.input[this.pos];
      if (c !== undefined && isAlphaNumeric(c)) this.pos++;
      else if (c !== undefined && c.charCodeAt(0) >= 0xd800 && c.charCodeAt(0) < 0xdc00 && isAlphaNumeric(this.input.slice(this.pos, this.pos + 2))) this.pos += 2;
      else return;
    }
  }

  private badCharacter(): false {
    const cp = this.input.codePointAt(this.pos) ?? 0;
    return this.fail(`bad character U+${cp.toString(16).toUpperCase().padStart(4, '0')} '${String.fromCodePoint(cp)}'`);
  }

  private identifier(): boolean {
    this.readWord();
    if (!this.atTerminator()) return this.badCharacter();
    const word = this.input.slice(this.start, this.pos);
    const keyword = KEYWORDS.get(word);
    if (keyword) this.emit(keyword);
    else if (word === 'true' || word === 'false') this.emit('bool');
    else this.emit('identifier');
    return true;
  }

  private fieldOrVariable(type: 'field' | 'variable'): boolean {
    if (this.atTerminator()) {
      this.emit(type === 'variable' ? 'variable' : 'dot');
      return true;
    }
    this.readWord();
    if (!this.atTerminator()) return this.badCharacter();
    this.emit(type);
    return true;
  }

  private accept(valid: string): boolean {
    const c = this.input[this.pos];
    if (c !== undefined && valid.includes(c)) {
      this.pos++;
      return true;
    }
    return false;
  }

  private acceptRun(valid: string): void {
    while (this.accept(valid));
  }

  private scanNumber(): boolean {
    this.accept('+-');
    let digits = '0123456789_';
    if (this.accept('0')) {
      if (this.accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (this.accept('oO')) digits = '01234567_';
      else if (this.accept('bB')) digits = '01_';
    }
    this.acceptRun(digits);
    if (this.accept('.')) this.acceptRun(digits);
    if (digits.length === 11 && this.accept('eE')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    if (digits.length === 23 && this.accept('pP')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    this.accept('i');
    if (isAlphaNumeric(this.input[this.pos])) {
      this.pos++;
      return false;
    }
    return true;
  }

  private number(): boolean {
    if (!this.scanNumber()) return this.fail(`bad number syntax: ${JSON.stringify(this.input.slice(this.start, this.pos))}`);
    const sign = this.input[this.pos];
    if (sign === '+' || sign === '-') {
      if (!this.scanNumber() || this.input[this.pos - 1] !== 'i') return this.fail(`bad number syntax: ${JSON.stringify(this.input.slice(this.start, this.pos))}`);
      this.emit('complex');
      return true;
    }
    this.emit('number');
    return true;
  }

  private quoted(close: string, type: TokenType, what: string): boolean {
    for (;;) {
      const c = this.input[this.pos++];
      if (c === '\\') {
        const r = this.input[this.pos++];
        if (r !== undefined && r !== '\n') continue;
        return this.fail(`unterminated ${what}`);
      }
      if (c === undefined || c === '\n') return this.fail(`unterminated ${what}`);
      if (c === close) break;
    }
    this.emit(type);
    return true;
  }

  private quote(): boolean {
    return this.quoted('"', 'string', 'quoted string');
  }

  private charConstant(): boolean {
    return this.quoted("'", 'charConstant', 'character constant');
  }

  private rawQuote(): boolean {
    const end = this.input.indexOf('`', this.pos);
    if (end < 0) return this.fail('unterminated raw quoted string');
    this.pos = end + 1;
    this.emit('rawString');
    return true;
  }
}
