// The CEL environment templates are evaluated in: standard CEL (with optional types, so
// `annotations[?'x'].orValue('d')` works) plus a few helpers that mirror Istio's template
// functions. Variables are dynamic: TemplateData (docs/templates.md) is the contract.
import { Environment } from '@marcbachmann/cel-js';
import { appendMultusNetwork, excludeInboundPort } from '../traffic.js';
import { isEmptyValue, setOwn, sprint } from '../../../lib/json.js';

export interface CompiledExpression {
  (context: object): unknown;
  readonly ast: unknown;
}

/** JSON.stringify that prints CEL integers (BigInt) as numbers. */
export function toJSON(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? Number(x) : x)) ?? 'null';
}

function buildEnvironment(): Environment {
  return new Environment({ unlistedVariablesAreDyn: true, homogeneousAggregateLiterals: false, enableOptionalTypes: true })
    .registerFunction('default(dyn, dyn): dyn', (v: unknown, fallback: unknown) => (isEmptyValue(v) ? fallback : v))
    .registerFunction('toJSON(dyn): string', (v: unknown) => toJSON(v))
    .registerFunction('str(dyn): string', (v: unknown) => sprint(v))
    .registerFunction('excludeInboundPort(dyn, string): string', (port: unknown, ports: string) => excludeInboundPort(sprint(port), ports))
    .registerFunction('appendMultusNetwork(string, string): string', (existing: string, network: string) => appendMultusNetwork(existing, network));
}

let environment: Environment | undefined;

/** Parses (compiles) one expression; throws the library's ParseError on bad syntax. */
export function compileExpression(source: string): CompiledExpression {
  environment ??= buildEnvironment();
  return environment.parse(source) as unknown as CompiledExpression;
}

/** Identifiers an expression refers to (conservatively including macro variables). */
export function freeIdentifiers(ast: unknown, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(ast)) {
    for (const x of ast) freeIdentifiers(x, out);
  } else if (typeof ast === 'object' && ast !== null) {
    const node = ast as { op?: unknown; args?: unknown };
    if (node.op === 'id' && typeof node.args === 'string') out.add(node.args);
    else freeIdentifiers(node.args, out);
  }
  return out;
}

/** Converts a CEL result to plain JSON: integers (BigInt) become numbers, Maps become objects. */
export function toPlain(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(toPlain);
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), toPlain(x)]));
  if (typeof v === 'object' && v !== null && !(v instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) setOwn(out, k, toPlain((v as Record<string, unknown>)[k]));
    return out;
  }
  return v;
}
