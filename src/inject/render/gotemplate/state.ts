// Execution state of one template run and the pieces every evaluator shares: the output,
// the variable stack (`$` first), the function table, and errors that carry the position
// of the action being executed.
import { argString, type ArgNode } from './ast.js';
import { GoTemplateError, position } from './errors.js';
import { GoType, T } from './types.js';
import { Val } from './value.js';

/** A function or method as text/template calls it. */
export interface Func {
  readonly name: string;
  /** Parameter types; for a variadic function the last is the slice type. */
  readonly params: readonly GoType[];
  readonly variadic: boolean;
  /** The declared result type (the first result; a second `error` result becomes a thrown CallError). */
  readonly result: GoType;
  /** Go's builtins take reflect.Values: they receive missing values as INVALID. */
  readonly builtin?: boolean;
  readonly call: (args: Val[]) => Val;
}

export type FuncMap = ReadonlyMap<string, Func>;

/** The pseudo-type of reflect.Value parameters (Go's builtins). */
export const REFLECT = new GoType('reflect.Value', 'struct');

/** The absence of a piped-in final argument. */
export const MISSING = new Val(T.invalid, Symbol('missing'));

/** Thrown by {{break}} and {{continue}} and caught by the enclosing range. */
export const BREAK = Symbol('break');
export const CONTINUE = Symbol('continue');

/** Where an evaluator is: for error messages. */
export interface Where {
  readonly pos: number;
  readonly action: string;
}

export const whereOf = (n: ArgNode | { pos: number }, action?: string): Where => ({ pos: n.pos, action: action ?? ('kind' in n ? argString(n as ArgNode) : '') });

export interface Program {
  readonly name: string;
  readonly text: string;
  readonly funcs: FuncMap;
  readonly trees: ReadonlyMap<string, (s: State, dot: Val) => void>;
}

/** Deepest nesting of {{template}} calls (Go allows more; JavaScript's stack does not). */
export const MAX_DEPTH = 300;

export class State {
  out = '';
  names: string[];
  values: Val[];
  depth = 0;

  constructor(
    readonly program: Program,
    dot: Val,
  ) {
    this.names = ['$'];
    this.values = [dot];
  }

  mark(): number {
    return this.names.length;
  }

  pop(mark: number): void {
    this.names.length = mark;
    this.values.length = mark;
  }

  push(name: string, value: Val): void {
    this.names.push(name);
    this.values.push(value);
  }

  varValue(name: string, at: Where): Val {
    for (let i = this.names.length - 1; i >= 0; i--) if (this.names[i] === name) return this.values[i] as Val;
    return this.fail(at, `undefined variable: ${name}`);
  }

  setVar(name: string, value: Val, at: Where): void {
    for (let i = this.names.length - 1; i >= 0; i--) {
      if (this.names[i] === name) {
        this.values[i] = value;
        return;
      }
    }
    this.fail(at, `undefined variable: ${name}`);
  }

  setTopVar(n: number, value: Val): void {
    this.values[this.values.length - n] = value;
  }

  fail(at: Where, reason: string): never {
    const { line, column } = position(this.program.text, at.pos);
    throw new GoTemplateError(this.program.name, line, column, reason, at.action);
  }
}
