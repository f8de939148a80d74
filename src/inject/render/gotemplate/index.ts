// Go templates as Istio's injector runs them: parse once per configuration (all checks Go does
// at parse time happen here), execute per request against Istio's template data.
import { compileProgram, execute } from './exec.js';
import { functionCheck } from './funcs/index.js';
import { parseTemplate } from './parse.js';
import type { FuncMap, Program } from './state.js';
import type { Val } from './value.js';

export interface GoTemplate {
  readonly name: string;
  /** Runs the template; throws GoTemplateError naming the template, line and column. */
  execute(data: Val): string;
}

/** Parses a template text; throws GoTemplateError for what Go rejects at parse time. */
export function parseGoTemplate(name: string, text: string, funcs: FuncMap): GoTemplate {
  const trees = parseTemplate(name, text, functionCheck(funcs));
  const program: Program = compileProgram(name, text, trees, funcs);
  return { name, execute: (data) => execute(program, data) };
}

export { GoTemplateError } from './errors.js';
export { injectionFuncs } from './funcs/index.js';
