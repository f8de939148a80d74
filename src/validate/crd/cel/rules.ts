// x-kubernetes-validations: each rule compiled once, then run where the API server runs it —
// on every present, non-null value of its node (once per list item and map value), with
// `self` typed by the schema and `oldSelf` the correlated old value on UPDATE. A rule that
// returns false or cannot be evaluated becomes an error at the node; on UPDATE a failure of a
// rule without oldSelf on an unchanged value is only a warning (ratcheting).
import { canonical } from '../list-type.js';
import { fieldError, pathText, segmentsOf, type FieldError, type PathLink, type Segment } from '../paths.js';
import type { SchemaNode, ValidationRule } from '../schema.js';
import { compileVisit, type NodeWork, type Visit } from '../visit.js';
import { ruleEnvironment } from './environment.js';
import { celConverter, escapedName, type ToCel } from './escape.js';
import { rewriteRule } from './rewrite.js';
import { compileFast, type Scope } from './fast.js';

export interface RuleContext {
  readonly errors: FieldError[];
  readonly warnings: string[];
  /** UPDATE: failures on unchanged values are warnings. */
  readonly update: boolean;
}

type Program = (vars: Record<string, unknown>) => unknown;

/** What a rule is evaluated with: the closures take a scope array, cel-js a variables object. */
interface Vars {
  readonly object: Record<string, unknown>;
  readonly scope: Scope;
}

interface CompiledRule {
  readonly text: string;
  readonly program: (v: Vars) => unknown;
  readonly message: string;
  readonly messageProgram?: Program;
  readonly usesOldSelf: boolean;
  readonly optionalOldSelf: boolean;
  readonly fieldPath: readonly Segment[];
}

function parseFieldPath(fieldPath: string | undefined): Segment[] {
  if (!fieldPath) return [];
  return [...fieldPath.matchAll(/\.([A-Za-z0-9_-]+)|\[['"]([^'"]+)['"]\]|\[(\d+)\]/g)].map((m) => (m[3] !== undefined ? Number(m[3]) : (m[1] ?? m[2] ?? '')));
}

function compileRule(r: ValidationRule): CompiledRule {
  const env = ruleEnvironment();
  const parsed = env.parse(rewriteRule(r.rule)) as unknown as Program & { ast: unknown };
  const fast = compileFast(parsed.ast);
  const program = fast ? (v: Vars): unknown => fast(v.scope) : (v: Vars): unknown => parsed(v.object);
  const messageProgram = r.messageExpression ? (env.parse(rewriteRule(r.messageExpression)) as unknown as Program) : undefined;
  return {
    text: r.rule,
    program,
    message: r.message ?? `failed rule: ${r.rule}`,
    ...(messageProgram ? { messageProgram } : {}),
    usesOldSelf: /\boldSelf\b/.test(r.rule),
    optionalOldSelf: r.optionalOldSelf === true,
    fieldPath: parseFieldPath(r.fieldPath),
  };
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
}

function messageOf(rule: CompiledRule, vars: Vars): string {
  if (!rule.messageProgram) return rule.message;
  try {
    const m = rule.messageProgram(vars.object);
    return typeof m === 'string' && m.trim() !== '' ? m : rule.message;
  } catch {
    return rule.message;
  }
}

/** Runs one rule; returns the failure text, or undefined when it holds. */
function failure(rule: CompiledRule, vars: Vars): string | undefined {
  try {
    return rule.program(vars) === true ? undefined : messageOf(rule, vars);
  } catch (e) {
    return `${messageOf(rule, vars)} (the rule could not be evaluated: ${firstLine(e)})`;
  }
}

function report(rule: CompiledRule, text: string, unchanged: boolean, path: PathLink | undefined, ctx: RuleContext): void {
  const segs = [...segmentsOf(path), ...rule.fieldPath];
  if (ctx.update && unchanged && !rule.usesOldSelf) {
    const where = pathText(segs) || '(object)';
    ctx.warnings.push(`${where}: ${text} (unchanged by this update, so not enforced)`);
    return;
  }
  ctx.errors.push(fieldError(segs, text, false, 'never'));
}

function nodeWork(node: SchemaNode): NodeWork<RuleContext> | undefined {
  const declared = node['x-kubernetes-validations'];
  if (!declared || declared.length === 0) return undefined;
  const rules = declared.map(compileRule);
  // The walk runs over the value already converted for CEL (see compileRules).
  return (value, old, path, ctx) => {
    const hasOld = old !== undefined && old !== null;
    const object: Record<string, unknown> = hasOld ? { self: value, oldSelf: old } : { self: value };
    const vars: Vars = { object, scope: [value, hasOld ? old : undefined] };
    let unchanged: boolean | undefined;
    for (const rule of rules) {
      if (rule.usesOldSelf && !hasOld && !rule.optionalOldSelf) continue;
      const text = failure(rule, vars);
      if (text === undefined) continue;
      unchanged ??= hasOld && canonical(value) === canonical(old);
      report(rule, text, unchanged, path, ctx);
    }
  };
}

/**
 * Compiles every rule of a schema into one walk; undefined when the schema has no rules. The
 * object is converted for CEL (escaped property names) once, at the root, and the walk looks
 * properties up by their escaped names.
 */
export function compileRules(node: SchemaNode): Visit<RuleContext> | undefined {
  const visit = compileVisit(node, nodeWork, escapedName);
  if (!visit) return undefined;
  const toCel: ToCel = celConverter(node);
  return (value, old, path, ctx) => visit(toCel(value), old === undefined ? undefined : toCel(old), path, ctx);
}
