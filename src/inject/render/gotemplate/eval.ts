// Evaluation of pipelines, commands and arguments, compiled once into closures: the
// semantics of text/template's evalPipeline, evalCommand, evalArg and validateType. Missing
// values, interface unwrapping between pipeline stages, literal typing by parameter type
// (`1` is an int, `1.0` a float64) and argument checks follow Go.
import { commandString, pipeString, type ArgNode, type CommandNode, type PipeNode } from './ast.js';
import { call, evalFieldChain } from './field.js';
import { MISSING, REFLECT, whereOf, type Func, type State, type Where } from './state.js';
import { T, type GoType } from './types.js';
import { concrete, elem, INVALID, isNil, isValid, Val, zero } from './value.js';

export type Eval = (s: State, dot: Val) => Val;
export type Cmd = (s: State, dot: Val, final?: Val) => Val;

/** Whether nil is a value of this type (reflect.Value parameters take missing values too). */
export function canBeNil(t: GoType): boolean {
  return t === REFLECT || ['chan', 'func', 'interface', 'map', 'ptr', 'slice'].includes(t.kind);
}

function assignable(from: GoType, to: GoType): boolean {
  if (from === to || to.isEmptyInterface) return true;
  if (to.kind === 'interface') {
    if (to.name === 'protoreflect.ProtoMessage') return from.kind === 'ptr' && from.elem?.proto !== undefined;
    return to.name === 'error' && from.valueMethods.has('Error');
  }
  return from.name === to.name;
}

/** validateType: checks (and where Go does, adjusts) a value for a parameter of type t. */
export function validateType(s: State, at: Where, v: Val, t: GoType | null): Val {
  if (!isValid(v)) {
    if (t === null) return INVALID;
    if (t === REFLECT) return INVALID;
    if (canBeNil(t)) return zero(t);
    return s.fail(at, `invalid value; expected ${t.name}`);
  }
  if (t === null || t === REFLECT || assignable(v.t, t)) return v;
  let x = v;
  if (x.t.kind === 'interface' && !isNil(x)) {
    x = concrete(x);
    if (assignable(x.t, t)) return x;
  }
  if (x.t.kind === 'ptr' && x.t.elem && assignable(x.t.elem, t)) {
    if (isNil(x)) return s.fail(at, `dereference of nil pointer of type ${t.name}`);
    return elem(x);
  }
  if (x.addr && t.kind === 'ptr' && t.elem && assignable(x.t, t.elem)) return new Val(t, x.v);
  return s.fail(at, `wrong type for value; expected ${t.name}; got ${x.t.name}`);
}

/** A number literal where nothing says its type: int, float64 when it looks like one. */
function idealConstant(s: State, at: Where, n: Extract<ArgNode, { kind: 'number' }>): Val {
  const { number } = n;
  if (number.isComplex) return s.fail(at, 'complex numbers are not supported');
  if (number.isFloat && !/^[+-]?0[xX]/.test(number.text) && !number.text.startsWith("'") && /[.eEpP]/.test(number.text)) return new Val(T.float64, number.float);
  if (number.isInt) return new Val(T.int, number.int);
  if (number.isUint) return s.fail(at, `${number.text} overflows int`);
  return INVALID;
}

/** A number literal's value, computed once when it has one (errors stay at run time). */
function constantNumber(n: Extract<ArgNode, { kind: 'number' }>, at: Where): Eval {
  const { number } = n;
  if (number.isComplex || (!number.isInt && !number.isFloat) || (number.isUint && !number.isInt && !number.isFloat)) return (s) => idealConstant(s, at, n);
  const v =
    number.isFloat && !/^[+-]?0[xX]/.test(number.text) && !number.text.startsWith("'") && /[.eEpP]/.test(number.text)
      ? new Val(T.float64, number.float)
      : number.isInt
        ? new Val(T.int, number.int)
        : undefined;
  return v === undefined ? (s) => idealConstant(s, at, n) : () => v;
}

function emptyInterface(n: ArgNode, at: Where, sub: Eval | undefined): Eval {
  switch (n.kind) {
    case 'bool':
      return () => new Val(T.bool, n.value);
    case 'string':
      return () => new Val(T.string, n.text);
    case 'number':
      return constantNumber(n, at);
  }
  return sub ?? ((s) => s.fail(at, `can't handle ${at.action} for an interface argument`));
}

/** A literal argument for a parameter of type t. */
function literal(n: ArgNode, t: GoType, at: Where): Eval {
  const wrong =
    (what: string): Eval =>
    (s) =>
      s.fail(at, `expected ${what}; found ${at.action}`);
  if (t === REFLECT || t.isEmptyInterface) return emptyInterface(n, at, undefined);
  if (t.kind === 'bool') return n.kind === 'bool' ? () => new Val(t, n.value) : wrong('bool');
  if (t.kind === 'string') return n.kind === 'string' ? () => new Val(t, n.text) : wrong('string');
  if (t.isInt) return n.kind === 'number' && n.number.isInt ? () => new Val(t, n.number.int) : wrong('integer');
  if (t.isUint) return n.kind === 'number' && n.number.isUint ? () => new Val(t, n.number.int) : wrong('unsigned integer');
  if (t.isFloat) return n.kind === 'number' && n.number.isFloat ? () => new Val(t, n.number.float) : wrong('float');
  return (s) => s.fail(at, `can't handle ${at.action} for arg of type ${t.name}`);
}

/** evalArg: an argument node compiled for a parameter of type t (null: no type, a chain's head). */
export function compileArg(n: ArgNode, t: GoType | null): Eval {
  const at = whereOf(n);
  const check =
    (e: Eval): Eval =>
    (s, dot) =>
      validateType(s, at, e(s, dot), t);
  switch (n.kind) {
    case 'dot':
      return check((_s, dot) => dot);
    case 'nil':
      if (t !== null && canBeNil(t)) return () => (t === REFLECT ? INVALID : zero(t));
      return (s) => s.fail(at, `cannot assign nil to ${t?.name ?? 'an untyped value'}`);
    case 'field': {
      const args = [n];
      return check((s, dot) => evalFieldChain(s, dot, dot, at, n.ident, args, MISSING));
    }
    case 'variable':
      return check(variable(n, null));
    case 'pipe':
      return check(compilePipe(n));
    case 'identifier':
      return check(functionCall(n, null));
    case 'chain':
      return check(chain(n, null));
  }
  if (t === null) return (s) => s.fail(at, `unexpected ${at.action}`);
  return literal(n, t, at);
}

function chain(n: Extract<ArgNode, { kind: 'chain' }>, args: readonly ArgNode[] | null): Cmd {
  const at = whereOf(n);
  const head = compileArg(n.node, null);
  return (s, dot, final = MISSING) => {
    if (n.node.kind === 'nil') return s.fail(at, `indirection through explicit nil in ${at.action}`);
    return evalFieldChain(s, dot, head(s, dot), at, n.field, args ?? [n], final);
  };
}

function variable(n: Extract<ArgNode, { kind: 'variable' }>, args: readonly ArgNode[] | null): Cmd {
  const at = whereOf(n);
  const [name, ...fields] = n.ident as [string, ...string[]];
  if (fields.length === 0) {
    return (s, _dot, final = MISSING) => {
      if ((args !== null && args.length > 1) || final !== MISSING) return s.fail(at, `can't give argument to non-function ${at.action}`);
      return s.varValue(name, at);
    };
  }
  const all = args ?? [n];
  return (s, dot, final = MISSING) => evalFieldChain(s, dot, s.varValue(name, at), at, fields, all, final);
}

function functionCall(n: Extract<ArgNode, { kind: 'identifier' }>, cmd: CommandNode | null): Cmd {
  const at = whereOf(n, cmd ? commandString(cmd) : n.name);
  const args = cmd ? cmd.args.slice(1) : [];
  let compiled: { fn: Func; args: Eval[] } | undefined;
  return (s, dot, final = MISSING) => {
    const fn = s.program.funcs.get(n.name);
    if (!fn) return s.fail(at, `"${n.name}" is not a defined function`);
    if (compiled?.fn !== fn) compiled = prepare(fn, args);
    return call(s, at, dot, fn, args, final, compiled.args);
  };
}

/** Argument evaluators for a known function: fixed parameters, then the variadic element type. */
export function prepare(fn: Func, args: readonly ArgNode[]): { fn: Func; args: Eval[] } {
  const fixed = fn.variadic ? fn.params.length - 1 : fn.params.length;
  const variadicElem = fn.variadic ? ((fn.params[fixed] as GoType).elem ?? T.any) : null;
  const evals = args.map((a, i) => compileArg(a, i < fixed ? (fn.params[i] as GoType) : (variadicElem ?? T.any)));
  return { fn, args: evals };
}

function constantCommand(first: ArgNode, at: Where): Cmd {
  const value = ((): Eval => {
    switch (first.kind) {
      case 'bool':
        return () => new Val(T.bool, first.value);
      case 'dot':
        return (_s, dot) => dot;
      case 'string':
        return () => new Val(T.string, first.text);
      case 'number':
        return constantNumber(first, at);
      case 'nil':
        return (s) => s.fail(at, 'nil is not a command');
    }
    return (s) => s.fail(at, `can't evaluate command ${at.action}`);
  })();
  return (s, dot, final = MISSING) => (final !== MISSING ? s.fail(at, `can't give argument to non-function ${at.action}`) : value(s, dot));
}

/** evalCommand: the first word decides (field, chain, function, pipeline, variable or constant). */
export function compileCommand(cmd: CommandNode): Cmd {
  const first = cmd.args[0] as ArgNode;
  const at = whereOf(first, commandString(cmd));
  const tooMany = cmd.args.length > 1;
  switch (first.kind) {
    case 'field': {
      const fieldAt = whereOf(first);
      return (s, dot, final = MISSING) => evalFieldChain(s, dot, dot, fieldAt, first.ident, cmd.args, final);
    }
    case 'chain':
      return chain(first, cmd.args);
    case 'identifier':
      return functionCall(first, cmd);
    case 'variable':
      return variable(first, cmd.args);
    case 'pipe': {
      const pipe = compilePipe(first);
      return (s, dot, final = MISSING) => (tooMany || final !== MISSING ? s.fail(at, `can't give argument to non-function ${at.action}`) : pipe(s, dot));
    }
  }
  if (tooMany) return (s) => s.fail(at, `can't give argument to non-function ${at.action}`);
  return constantCommand(first, at);
}

/** evalPipeline: commands in order, each result the next one's last argument; then declarations. */
export function compilePipe(pipe: PipeNode): Eval {
  const cmds = pipe.cmds.map(compileCommand);
  const at: Where = { pos: pipe.pos, action: pipeString(pipe) };
  const decl = pipe.decl.map((d) => d.name);
  const assign = pipe.isAssign;
  return (s, dot) => {
    let v = MISSING;
    for (const c of cmds) {
      v = c(s, dot, v);
      if (v.t.kind === 'interface' && v.t.numMethod === 0) v = v.v === null || v.v === undefined ? INVALID : (v.v as Val);
    }
    for (const name of decl) {
      if (assign) s.setVar(name, v, at);
      else s.push(name, v);
    }
    return v;
  };
}
