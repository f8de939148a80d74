// The parser of Go's text/template: builds the tree of one template text and of every
// `define`/`block` in it. Like Go it checks at parse time what it can: syntax, functions that
// do not exist, variables used before they are declared, `break`/`continue` outside `range`,
// and a template defined twice. Fields, types and template calls are checked when executed.
import { isEmptyTree, type ArgNode, type CommandNode, type ListNode, type Node, type PipeNode, type Tree } from './ast.js';
import { GoTemplateError, position } from './errors.js';
import { lex, type Token, type TokenType } from './lex.js';
import { parseNumber, unquote } from './literals.js';

/** Parses a template text; returns its trees by name (the text itself under `name`). */
/** Says why a function name cannot be used, or undefined when it can. */
export type FunctionCheck = (name: string) => string | undefined;

export function parseTemplate(name: string, text: string, hasFunction: FunctionCheck): Map<string, Tree> {
  const trees = new Map<string, Tree>();
  new Parser(name, text, lex(text), hasFunction, trees).parseTop();
  return trees;
}

type End = { readonly kind: 'end' | 'else'; readonly pos: number };

const isEnd = (n: Node | End): n is End => n.kind === 'end' || n.kind === 'else';

class Parser {
  private i = 0;
  private vars: string[] = ['$'];
  private rangeDepth = 0;

  constructor(
    private readonly name: string,
    private readonly text: string,
    private readonly tokens: Token[],
    private readonly hasFunction: FunctionCheck,
    private readonly trees: Map<string, Tree>,
  ) {}

  private fail(message: string, pos = this.current().pos): never {
    const { line, column } = position(this.text, pos);
    throw new GoTemplateError(this.name, line, column, message);
  }

  private current(): Token {
    return this.tokens[Math.min(this.i, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const t = this.current();
    if (t.type === 'error') this.fail(t.value, t.pos);
    if (this.i < this.tokens.length) this.i++;
    return t;
  }

  private peek(): Token {
    const t = this.current();
    if (t.type === 'error') this.fail(t.value, t.pos);
    return t;
  }

  private nextNonSpace(): Token {
    let t = this.next();
    while (t.type === 'space') t = this.next();
    return t;
  }

  private peekNonSpace(): Token {
    const t = this.nextNonSpace();
    this.i--;
    return t;
  }

  private expect(type: TokenType, context: string): Token {
    const t = this.nextNonSpace();
    if (t.type !== type) this.unexpected(t, context);
    return t;
  }

  private unexpected(t: Token, context: string): never {
    if (t.type === 'error') this.fail(t.value, t.pos);
    const what = t.type === 'eof' ? 'EOF' : t.type === 'rightDelim' ? '"}}"' : t.type === 'leftDelim' ? '"{{"' : JSON.stringify(t.value);
    return this.fail(`unexpected ${what} in ${context}`, t.pos);
  }

  /** Adds a tree; a second non-empty definition of one name is an error, as in Go. */
  private add(tree: Tree, pos: number): void {
    const old = this.trees.get(tree.name);
    if (old === undefined || isEmptyTree(old.root)) this.trees.set(tree.name, tree);
    else if (!isEmptyTree(tree.root)) this.fail(`template "${tree.name}" is defined more than once`, pos);
  }

  parseTop(): void {
    const root: ListNode = { kind: 'list', pos: this.peek().pos, nodes: [] };
    while (this.peek().type !== 'eof') {
      if (this.peek().type === 'leftDelim') {
        const mark = this.i;
        this.next();
        if (this.nextNonSpace().type === 'define') {
          this.parseDefinition();
          continue;
        }
        this.i = mark;
      }
      const n = this.textOrAction();
      if (isEnd(n)) this.fail(`unexpected {{${n.kind}}}`, n.pos);
      root.nodes.push(n);
    }
    this.add({ name: this.name, root }, 0);
  }

  private parseDefinition(): void {
    const t = this.nextNonSpace();
    if (t.type !== 'string' && t.type !== 'rawString') this.unexpected(t, 'define clause');
    const name = this.unquoteAt(t);
    this.expect('rightDelim', 'define clause');
    const saved = this.vars;
    this.vars = ['$'];
    const [root, end] = this.itemList();
    if (end.kind !== 'end') this.fail(`unexpected {{${end.kind}}} in define clause`, end.pos);
    this.vars = saved;
    this.add({ name, root }, t.pos);
  }

  private unquoteAt(t: Token): string {
    try {
      return unquote(t.value);
    } catch (e) {
      return this.fail((e as Error).message, t.pos);
    }
  }

  private itemList(): [ListNode, End] {
    const list: ListNode = { kind: 'list', pos: this.peekNonSpace().pos, nodes: [] };
    while (this.peekNonSpace().type !== 'eof') {
      const n = this.textOrAction();
      if (isEnd(n)) return [list, n];
      list.nodes.push(n);
    }
    return this.fail('unexpected EOF');
  }

  private textOrAction(): Node | End {
    const t = this.nextNonSpace();
    if (t.type === 'text') return { kind: 'text', pos: t.pos, text: t.value };
    if (t.type === 'leftDelim') return this.action();
    return this.unexpected(t, 'input');
  }

  private action(): Node | End {
    const t = this.nextNonSpace();
    switch (t.type) {
      case 'block':
        return this.blockControl();
      case 'break':
      case 'continue':
        return this.loopControl(t);
      case 'else':
        return this.elseControl();
      case 'end':
        return { kind: 'end', pos: this.expect('rightDelim', 'end').pos };
      case 'if':
      case 'range':
      case 'with':
        return this.control(t.type);
      case 'template':
        return this.templateControl();
    }
    this.i--;
    const pos = this.peek().pos;
    return { kind: 'action', pos, pipe: this.pipeline('command', 'rightDelim') };
  }

  private loopControl(t: Token): Node {
    const next = this.nextNonSpace();
    if (next.type !== 'rightDelim') this.unexpected(next, `{{${t.type}}}`);
    if (this.rangeDepth === 0) this.fail(`{{${t.type}}} outside {{range}}`, t.pos);
    return { kind: t.type as 'break' | 'continue', pos: t.pos };
  }

  private elseControl(): End {
    const peek = this.peekNonSpace();
    if (peek.type === 'if' || peek.type === 'with') return { kind: 'else', pos: peek.pos };
    return { kind: 'else', pos: this.expect('rightDelim', 'else').pos };
  }

  private control(kind: 'if' | 'range' | 'with'): Node {
    const mark = this.vars.length;
    const pipe = this.pipeline(kind, 'rightDelim');
    if (kind === 'range') this.rangeDepth++;
    const [list, next] = this.itemList();
    if (kind === 'range') this.rangeDepth--;
    let elseList: ListNode | undefined;
    if (next.kind === 'else') {
      const peek = this.peek();
      if ((kind === 'if' && peek.type === 'if') || (kind === 'with' && peek.type === 'with')) {
        this.next();
        elseList = { kind: 'list', pos: next.pos, nodes: [this.control(kind)] };
      } else {
        const [l, end] = this.itemList();
        if (end.kind !== 'end') this.fail('expected end; found {{else}}', end.pos);
        elseList = l;
      }
    }
    this.vars.length = mark;
    return { kind, pos: pipe.pos, pipe, list, elseList };
  }

  private templateName(context: string): [string, number] {
    const t = this.nextNonSpace();
    if (t.type !== 'string' && t.type !== 'rawString') this.unexpected(t, context);
    return [this.unquoteAt(t), t.pos];
  }

  private templateControl(): Node {
    const [name, pos] = this.templateName('template clause');
    let pipe: PipeNode | undefined;
    if (this.nextNonSpace().type !== 'rightDelim') {
      this.i--;
      pipe = this.pipeline('template clause', 'rightDelim');
    }
    return { kind: 'template', pos, name, pipe };
  }

  private blockControl(): Node {
    const [name, pos] = this.templateName('block clause');
    const pipe = this.pipeline('block clause', 'rightDelim');
    const saved = this.vars;
    this.vars = ['$'];
    const [root, end] = this.itemList();
    this.vars = saved;
    if (end.kind !== 'end') this.fail(`unexpected {{${end.kind}}} in block clause`, end.pos);
    this.add({ name, root }, pos);
    return { kind: 'template', pos, name, pipe };
  }

  private declarations(pipe: PipeNode, context: string): void {
    for (;;) {
      const v = this.peekNonSpace();
      if (v.type !== 'variable') return;
      const mark = this.i;
      this.nextNonSpace();
      const next = this.peekNonSpace();
      if (next.type === 'assign' || next.type === 'declare') {
        pipe.isAssign = next.type === 'assign';
        this.nextNonSpace();
        pipe.decl.push({ pos: v.pos, name: v.value });
        this.vars.push(v.value);
        return;
      }
      if (next.type === 'char' && next.value === ',') {
        this.nextNonSpace();
        pipe.decl.push({ pos: v.pos, name: v.value });
        this.vars.push(v.value);
        const after = this.peekNonSpace().type;
        if (context === 'range' && pipe.decl.length < 2 && (after === 'variable' || after === 'rightDelim' || after === 'rightParen')) continue;
        if (context === 'range' && pipe.decl.length < 2) this.fail('range can only initialize variables');
        this.fail(`too many declarations in ${context}`);
      }
      this.i = mark;
      return;
    }
  }

  private pipeline(context: string, end: TokenType): PipeNode {
    const pipe: PipeNode = { kind: 'pipe', pos: this.peekNonSpace().pos, isAssign: false, decl: [], cmds: [] };
    this.declarations(pipe, context);
    for (;;) {
      const t = this.nextNonSpace();
      if (t.type === end) {
        this.checkPipeline(pipe, context);
        return pipe;
      }
      if (OPERAND_START.has(t.type)) {
        this.i--;
        pipe.cmds.push(this.command());
      } else this.unexpected(t, context);
    }
  }

  private checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) this.fail(`missing value for ${context}`);
    pipe.cmds.slice(1).forEach((c, i) => {
      const k = c.args[0]?.kind;
      if (k === 'bool' || k === 'dot' || k === 'nil' || k === 'number' || k === 'string') this.fail(`non executable command in pipeline stage ${i + 2}`, c.pos);
    });
  }

  private command(): CommandNode {
    const cmd: CommandNode = { kind: 'command', pos: this.peekNonSpace().pos, args: [] };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand) cmd.args.push(operand);
      const t = this.next();
      if (t.type === 'space') continue;
      if (t.type === 'rightDelim' || t.type === 'rightParen') this.i--;
      else if (t.type !== 'pipe') this.unexpected(t, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.fail('empty command');
    return cmd;
  }

  private operand(): ArgNode | undefined {
    const node = this.term();
    if (node === undefined || this.peek().type !== 'field') return node;
    const fields: string[] = [];
    const pos = this.peek().pos;
    while (this.peek().type === 'field') fields.push(this.next().value.slice(1));
    switch (node.kind) {
      case 'field':
        return { kind: 'field', pos, ident: [...node.ident, ...fields] };
      case 'variable':
        return { kind: 'variable', pos, ident: [...node.ident, ...fields] };
      case 'bool':
      case 'string':
      case 'number':
      case 'nil':
      case 'dot':
        return this.fail(
          `unexpected . after term ${JSON.stringify(node.kind === 'dot' ? '.' : node.kind === 'nil' ? 'nil' : node.kind === 'bool' ? String(node.value) : node.kind === 'string' ? node.quoted : node.number.text)}`,
          pos,
        );
    }
    return { kind: 'chain', pos, node, field: fields };
  }

  private term(): ArgNode | undefined {
    const t = this.nextNonSpace();
    switch (t.type) {
      case 'identifier':
        {
          const problem = this.hasFunction(t.value);
          if (problem !== undefined) this.fail(problem, t.pos);
        }
        return { kind: 'identifier', pos: t.pos, name: t.value };
      case 'dot':
        return { kind: 'dot', pos: t.pos };
      case 'nil':
        return { kind: 'nil', pos: t.pos };
      case 'variable':
        return this.useVar(t);
      case 'field':
        return { kind: 'field', pos: t.pos, ident: [t.value.slice(1)] };
      case 'bool':
        return { kind: 'bool', pos: t.pos, value: t.value === 'true' };
      case 'charConstant':
      case 'complex':
      case 'number':
        return { kind: 'number', pos: t.pos, number: this.numberAt(t) };
      case 'leftParen':
        return this.pipeline('parenthesized pipeline', 'rightParen');
      case 'string':
      case 'rawString':
        return { kind: 'string', pos: t.pos, quoted: t.value, text: this.unquoteAt(t) };
    }
    this.i--;
    return undefined;
  }

  private numberAt(t: Token): ReturnType<typeof parseNumber> {
    try {
      return parseNumber(t.value, t.type as 'number' | 'charConstant' | 'complex');
    } catch (e) {
      return this.fail((e as Error).message, t.pos);
    }
  }

  private useVar(t: Token): ArgNode {
    const [head, ...rest] = t.value.split('.');
    if (!this.vars.includes(head as string)) this.fail(`undefined variable "${head}"`, t.pos);
    return { kind: 'variable', pos: t.pos, ident: [head as string, ...rest] };
  }
}

const OPERAND_START: ReadonlySet<TokenType> = new Set<TokenType>([
  'bool',
  'charConstant',
  'complex',
  'dot',
  'field',
  'identifier',
  'number',
  'nil',
  'rawString',
  'string',
  'variable',
  'leftParen',
]);
