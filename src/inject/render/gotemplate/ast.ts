// The parse tree of a Go template, as text/template/parse builds it, with each node's offset
// into the template text and its source form (used in error messages: "at <.Values.x>").

export interface NumberLiteral {
  readonly text: string;
  readonly isInt: boolean;
  readonly isUint: boolean;
  readonly isFloat: boolean;
  readonly isComplex: boolean;
  readonly int: number;
  readonly float: number;
}

export type ArgNode =
  | { readonly kind: 'field'; readonly pos: number; readonly ident: readonly string[] }
  | { readonly kind: 'variable'; readonly pos: number; readonly ident: readonly string[] }
  | { readonly kind: 'chain'; readonly pos: number; readonly node: ArgNode; readonly field: readonly string[] }
  | { readonly kind: 'identifier'; readonly pos: number; readonly name: string }
  | { readonly kind: 'dot'; readonly pos: number }
  | { readonly kind: 'nil'; readonly pos: number }
  | { readonly kind: 'bool'; readonly pos: number; readonly value: boolean }
  | { readonly kind: 'string'; readonly pos: number; readonly quoted: string; readonly text: string }
  | { readonly kind: 'number'; readonly pos: number; readonly number: NumberLiteral }
  | PipeNode;

export interface CommandNode {
  readonly kind: 'command';
  readonly pos: number;
  readonly args: ArgNode[];
}

export interface PipeNode {
  readonly kind: 'pipe';
  readonly pos: number;
  isAssign: boolean;
  readonly decl: { readonly pos: number; readonly name: string }[];
  readonly cmds: CommandNode[];
}

export interface ListNode {
  readonly kind: 'list';
  readonly pos: number;
  readonly nodes: Node[];
}

/** if, with and range: a pipeline, a body and an optional else. */
export interface ControlNode {
  readonly kind: 'if' | 'with' | 'range';
  readonly pos: number;
  readonly pipe: PipeNode;
  readonly list: ListNode;
  readonly elseList: ListNode | undefined;
}

export type Node =
  | { readonly kind: 'text'; readonly pos: number; readonly text: string }
  | { readonly kind: 'action'; readonly pos: number; readonly pipe: PipeNode }
  | ControlNode
  | { readonly kind: 'template'; readonly pos: number; readonly name: string; readonly pipe: PipeNode | undefined }
  | { readonly kind: 'break' | 'continue'; readonly pos: number }
  | ListNode;

/** A named tree: the template itself or one of its `define`s. */
export interface Tree {
  readonly name: string;
  readonly root: ListNode;
}

/** The source form of an argument, as Go prints nodes in error messages. */
export function argString(n: ArgNode): string {
  switch (n.kind) {
    case 'field':
      return n.ident.map((i) => `.${i}`).join('');
    case 'variable':
      return n.ident.join('.');
    case 'chain':
      return `${n.node.kind === 'pipe' ? `(${argString(n.node)})` : argString(n.node)}${n.field.map((f) => `.${f}`).join('')}`;
    case 'identifier':
      return n.name;
    case 'dot':
      return '.';
    case 'nil':
      return 'nil';
    case 'bool':
      return String(n.value);
    case 'string':
      return n.quoted;
    case 'number':
      return n.number.text;
    case 'pipe':
      return pipeString(n);
  }
}

export function commandString(c: CommandNode): string {
  return c.args.map((a) => (a.kind === 'pipe' ? `(${argString(a)})` : argString(a))).join(' ');
}

export function pipeString(p: PipeNode): string {
  const decl = p.decl.length > 0 ? `${p.decl.map((d) => d.name).join(', ')} ${p.isAssign ? '=' : ':='} ` : '';
  return decl + p.cmds.map(commandString).join(' | ');
}

/** Whether a tree holds only whitespace text (Go lets such a tree be replaced by a define). */
export function isEmptyTree(n: Node): boolean {
  if (n.kind === 'list') return n.nodes.every(isEmptyTree);
  if (n.kind === 'text') return n.text.trim() === '';
  return false;
}
