// Statements of a Go template, compiled once into closures: text, actions (printed the way
// text/template prints: `<no value>`, String() methods through an address), if/with/else,
// range over slices, maps (sorted keys), integers, with break/continue and else, and
// {{template}} calls, which start with a fresh variable stack.
import type { ControlNode, ListNode, Node, Tree } from './ast.js';
import { compilePipe } from './eval.js';
import { sprintOne } from './fmt.js';
import { methodSet } from './methods.js';
import { BREAK, CONTINUE, MAX_DEPTH, State, whereOf, type FuncMap, type Program, type Where } from './state.js';
import { T, typeNamed } from './types.js';
import { indirect, indirectInterface, INVALID, isValid, keyVal, lengthOf, mapIndex, sliceIndex, sortedKeys, truth, Val } from './value.js';

type Step = (s: State, dot: Val) => void;

const hasStringer = (m: ReadonlyMap<string, unknown>): boolean => m.has('String') || m.has('Error');

/** printableValue + fmt.Fprint. */
function printValue(s: State, at: Where, v: Val): void {
  let x = v;
  if (x.t.kind === 'ptr') x = indirect(x)[0];
  if (!isValid(x)) {
    s.out += '<no value>';
    return;
  }
  if (x.t.kind === 'func' || x.t.kind === 'chan') s.fail(at, `can't print ${at.action} of type ${x.t.name}`);
  if (x.t.kind !== 'ptr' && x.t.kind !== 'interface' && !hasStringer(x.t.valueMethods) && x.addr && hasStringer(methodSet(x))) {
    x = new Val(typeNamed(`*${x.t.name}`), x.v);
  }
  s.out += sprintOne(x);
}

function compileList(list: ListNode): Step {
  const steps = list.nodes.map(compileNode);
  if (steps.length === 1) return steps[0] as Step;
  return (s, dot) => {
    for (const step of steps) step(s, dot);
  };
}

function compileIf(n: ControlNode): Step {
  const pipe = compilePipe(n.pipe);
  const list = compileList(n.list);
  const elseList = n.elseList ? compileList(n.elseList) : undefined;
  const at: Where = whereOf(n.pipe, n.kind);
  const isWith = n.kind === 'with';
  return (s, dot) => {
    const mark = s.mark();
    const val = pipe(s, dot);
    const t = truth(indirectInterface(val));
    if (t === undefined) s.fail(at, `if/with can't use ${sprintOne(val)}`);
    if (t) list(s, isWith ? val : dot);
    else if (elseList) elseList(s, dot);
    s.pop(mark);
  };
}

function compileRange(n: ControlNode): Step {
  const pipe = compilePipe(n.pipe);
  const list = compileList(n.list);
  const elseList = n.elseList ? compileList(n.elseList) : undefined;
  const decl = n.pipe.decl.map((d) => d.name);
  const assign = n.pipe.isAssign;
  const at: Where = whereOf(n.pipe, 'range');
  const one = (s: State, mark: number, index: Val, elem: Val): void => {
    if (decl.length > 0) {
      if (assign) s.setVar(decl[0] as string, decl.length > 1 ? index : elem, at);
      else s.setTopVar(1, elem);
    }
    if (decl.length > 1) {
      if (assign) s.setVar(decl[1] as string, elem, at);
      else s.setTopVar(2, index);
    }
    try {
      list(s, elem);
    } catch (e) {
      if (e !== CONTINUE) throw e;
    } finally {
      s.pop(mark);
    }
  };
  const iterate = (s: State, val: Val): boolean => {
    const mark = s.mark();
    switch (val.t.kind) {
      case 'slice':
      case 'array': {
        const len = lengthOf(val) ?? 0;
        for (let i = 0; i < len; i++) one(s, mark, new Val(T.int, i), sliceIndex(val, i));
        return len > 0;
      }
      case 'map': {
        const keys = sortedKeys(val);
        for (const k of keys) one(s, mark, keyVal(val, k), mapIndex(val, k));
        return keys.length > 0;
      }
      case 'invalid':
        return false;
    }
    if (val.t.isInt || val.t.isUint) {
      if (decl.length > 1) s.fail(at, `can't use ${sprintOne(val)} to iterate over more than one variable`);
      const count = val.v as number;
      for (let i = 0; i < count; i++) one(s, mark, INVALID, new Val(val.t, i));
      return count > 0;
    }
    return s.fail(at, `range can't iterate over ${sprintOne(val)}`);
  };
  return (s, dot) => {
    const mark = s.mark();
    try {
      const val = indirect(pipe(s, dot))[0];
      if (!iterate(s, val) && elseList) elseList(s, dot);
    } catch (e) {
      if (e !== BREAK) throw e;
    } finally {
      s.pop(mark);
    }
  };
}

function compileTemplateCall(n: Extract<Node, { kind: 'template' }>): Step {
  const pipe = n.pipe ? compilePipe(n.pipe) : undefined;
  const at: Where = { pos: n.pos, action: `template ${JSON.stringify(n.name)}` };
  return (s, dot) => {
    const tree = s.program.trees.get(n.name);
    if (!tree) s.fail(at, `template "${n.name}" not defined`);
    if (s.depth >= MAX_DEPTH) s.fail(at, `exceeded maximum template depth (${MAX_DEPTH})`);
    const arg = pipe ? pipe(s, dot) : INVALID;
    const { names, values } = s;
    s.names = ['$'];
    s.values = [arg];
    s.depth++;
    try {
      tree?.(s, arg);
    } finally {
      s.depth--;
      s.names = names;
      s.values = values;
    }
  };
}

function compileNode(n: Node): Step {
  switch (n.kind) {
    case 'text': {
      const text = n.text;
      return (s) => {
        s.out += text;
      };
    }
    case 'action': {
      const pipe = compilePipe(n.pipe);
      const at = whereOf(n.pipe, '');
      if (n.pipe.decl.length > 0) return (s, dot) => void pipe(s, dot);
      return (s, dot) => printValue(s, at, pipe(s, dot));
    }
    case 'if':
    case 'with':
      return compileIf(n);
    case 'range':
      return compileRange(n);
    case 'template':
      return compileTemplateCall(n);
    case 'break':
      return () => {
        throw BREAK;
      };
    case 'continue':
      return () => {
        throw CONTINUE;
      };
    case 'list':
      return compileList(n);
  }
}

/** Compiles parsed trees into a program that can run many times. */
export function compileProgram(name: string, text: string, trees: ReadonlyMap<string, Tree>, funcs: FuncMap): Program {
  const compiled = new Map<string, Step>();
  for (const [k, tree] of trees) compiled.set(k, compileList(tree.root));
  return { name, text, funcs, trees: compiled };
}

/** Runs the program's main tree with `data` as dot and `$`. */
export function execute(program: Program, data: Val): string {
  const s = new State(program, data);
  const main = program.trees.get(program.name);
  main?.(s, data);
  return s.out;
}
