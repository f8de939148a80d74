// Field chains and calls, as text/template's evalFieldChain, evalField and evalCall: methods
// before fields (on *T when the value is addressable), struct fields by Go name (promoted
// through embedded structs), map keys, the nil-pointer and missing-key rules, argument count
// and type checks, and and/or short-circuiting.
import type { ArgNode } from './ast.js';
import { CallError, GoTemplateError } from './errors.js';
import { canBeNil, prepare, validateType, type Eval } from './eval.js';
import { callMethod, methodSet } from './methods.js';
import { MISSING, REFLECT, type Func, type State, type Where } from './state.js';
import { T, typeNamed, type GoType, type MethodDesc } from './types.js';
import { box, concrete, fieldOf, indirect, indirectInterface, INVALID, isValid, mapIndex, truth, type Val } from './value.js';

/** Evaluates `.A.B.C` on a receiver; only the last step gets the arguments. */
export function evalFieldChain(s: State, dot: Val, receiver: Val, at: Where, ident: readonly string[], args: readonly ArgNode[] | null, final: Val): Val {
  let r = receiver;
  const n = ident.length;
  for (let i = 0; i < n - 1; i++) r = evalField(s, at, dot, ident[i] as string, null, MISSING, r);
  return evalField(s, at, dot, ident[n - 1] as string, args, final, r);
}

function stringKeyed(t: GoType): boolean {
  const k = t.key;
  return k !== undefined && (k.name === 'string' || k.isEmptyInterface);
}

export function evalField(s: State, at: Where, dot: Val, name: string, args: readonly ArgNode[] | null, final: Val, receiver: Val): Val {
  if (!isValid(receiver)) return INVALID;
  const typ = receiver.t;
  const [r, isNilValue] = indirect(receiver);
  if (r.t.kind === 'interface' && isNilValue) return s.fail(at, `nil pointer evaluating ${typ.name}.${name}`);
  const method = methodSet(r).get(name);
  if (method) return callMethodNode(s, at, dot, r, method, args, final);
  const hasArgs = (args !== null && args.length > 1) || final !== MISSING;
  switch (r.t.kind) {
    case 'struct': {
      const path = r.t.fieldByName(name);
      if (!path) break;
      if (hasArgs) return s.fail(at, `${name} has arguments but cannot be invoked as function`);
      try {
        return fieldOf(r, path);
      } catch (e) {
        return s.fail(at, (e as Error).message);
      }
    }
    case 'map':
      if (!stringKeyed(r.t)) break;
      if (hasArgs) return s.fail(at, `${name} is not a method but has arguments`);
      return mapIndex(r, name);
    case 'ptr': {
      const e = r.t.elem;
      if (e?.kind === 'struct' && !e.fieldByName(name)) break;
      if (isNilValue) return s.fail(at, `nil pointer evaluating ${typ.name}.${name}`);
    }
  }
  return s.fail(at, `can't evaluate field ${name} in type ${typ.name}`);
}

function methodFunc(receiver: Val, m: MethodDesc): Func {
  const params = (m.i ?? []).map(typeNamed);
  return {
    name: m.n,
    params,
    variadic: m.v === true,
    result: m.o?.[0] === undefined ? T.invalid : typeNamed(m.o[0]),
    call: (args) => callMethod(receiver, m.n, args),
  };
}

function callMethodNode(s: State, at: Where, dot: Val, receiver: Val, m: MethodDesc, args: readonly ArgNode[] | null, final: Val): Val {
  const outs = m.o ?? [];
  if (outs.length === 0 || outs.length > 2 || (outs.length === 2 && outs[1] !== 'error')) {
    return s.fail(at, `can't call method/function "${m.n}" with ${outs.length} results`);
  }
  const rest = args === null ? [] : args.slice(1);
  return call(s, at, dot, methodFunc(receiver, m), rest, final, undefined);
}

function checkCount(s: State, at: Where, fn: Func, given: number, numIn: number): void {
  if (fn.variadic) {
    if (numIn < fn.params.length - 1) s.fail(at, `wrong number of args for ${fn.name}: want at least ${fn.params.length - 1} got ${given}`);
  } else if (numIn !== fn.params.length) s.fail(at, `wrong number of args for ${fn.name}: want ${fn.params.length} got ${numIn}`);
}

function finalType(fn: Func, numIn: number): GoType {
  const last = fn.params[fn.params.length - 1] as GoType;
  if (!fn.variadic) return last;
  return numIn - 1 < fn.params.length - 1 ? (fn.params[numIn - 1] as GoType) : (last.elem ?? T.any);
}

function andOr(s: State, dot: Val, fn: Func, evals: readonly Eval[], final: Val): Val {
  let v = INVALID;
  for (const e of evals) {
    v = e(s, dot);
    if ((truth(indirectInterface(v)) ?? false) === (fn.name === 'or')) return v;
  }
  return final !== MISSING ? final : v;
}

/** evalCall: checks the count, evaluates arguments for their parameter types, calls. */
export function call(s: State, at: Where, dot: Val, fn: Func, args: readonly ArgNode[], final: Val, evals: readonly Eval[] | undefined): Val {
  const numIn = args.length + (final !== MISSING ? 1 : 0);
  checkCount(s, at, fn, args.length, numIn);
  const ev = evals ?? prepare(fn, args).args;
  if (fn.builtin && (fn.name === 'and' || fn.name === 'or')) return andOr(s, dot, fn, ev, final);
  const argv: Val[] = new Array<Val>(numIn);
  for (let i = 0; i < ev.length; i++) argv[i] = (ev[i] as Eval)(s, dot);
  if (final !== MISSING) argv[numIn - 1] = validateType(s, at, final, finalType(fn, numIn));
  if (!fn.builtin) for (let i = 0; i < argv.length; i++) argv[i] = concrete(argv[i] as Val);
  let result: Val;
  try {
    result = fn.call(argv);
  } catch (e) {
    if (e instanceof GoTemplateError) throw e;
    if (e instanceof CallError || e instanceof Error) return s.fail(at, `error calling ${fn.name}: ${e.message}`);
    throw e;
  }
  if (!fn.builtin && fn.result.kind === 'interface' && fn.result !== REFLECT) return box(fn.result, result);
  return result;
}

export { canBeNil };
