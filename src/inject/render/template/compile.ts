// Compiles a template (a YAML document whose string values may hold CEL expressions) into a
// tree of closures, once, at load time. Directives: `$if` (drop a map when false), `$for` +
// `$items` (expand list items), `$merge` (add entries to a map), a `?` key suffix (leave the
// key out when its value is empty). Parts that depend only on configuration are evaluated
// here, so a request evaluates only what depends on the Pod. Syntax: docs/templates.md.
import { isAlias, isMap, isScalar, isSeq, parseDocument, type Document, type Node, type Scalar } from 'yaml';
import { InjectionDenied, InjectorConfigError } from '../../errors.js';
import { isEmptyValue, isObject, sprint } from '../../../lib/json.js';
import { compileExpression, freeIdentifiers, toPlain } from './cel.js';
import { DEFER, specialise } from './specialise.js';

/** Returned by a renderer for a map that its `$if` removed. */
export const OMIT: unique symbol = Symbol('omit');

export type Scope = Readonly<Record<string, unknown>>;
type Render = (scope: Scope) => unknown;
type Compiled = { readonly isConst: true; readonly value: unknown } | { readonly isConst: false; readonly render: Render };
type Emit = (scope: Scope, out: unknown[]) => void;

/** A failure while rendering a template for one Pod. */
export class TemplateRenderError extends Error {
  override readonly name = 'TemplateRenderError';
}

interface Context {
  readonly template: string;
  readonly doc: Document;
  readonly path: string;
  readonly loopVars: ReadonlySet<string>;
  /** Variables known at load time (values, meshConfig, revision…), for constant folding. */
  readonly staticScope: Scope;
  /** Whether expressions get the compiled fast path (specialise.ts); off only to test it against CEL. */
  readonly fastPath: boolean;
}

/** Compile-time values are shared by every render, so they are frozen (the merge copies them). */
function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}
const constant = (value: unknown): Compiled => ({ isConst: true, value: deepFreeze(value) });
const dynamic = (render: Render): Compiled => ({ isConst: false, render });
const at = (cx: Context, segment: string): Context => ({ ...cx, path: cx.path ? `${cx.path}${segment}` : segment.replace(/^\./, '') });
const asRender = (c: Compiled): Render => (c.isConst ? () => c.value : c.render);

function fail(cx: Context, message: string): never {
  throw new InjectorConfigError(`template "${cx.template}"`, `${cx.path || '(top level)'}: ${message}`);
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
}

/** Compiles one CEL expression, folding it to a constant when it reads only static variables. */
function compileExpr(source: string, cx: Context): Compiled {
  let fn: ReturnType<typeof compileExpression>;
  try {
    fn = compileExpression(source);
  } catch (e) {
    return fail(cx, `cannot parse expression \`${source.trim()}\`: ${firstLine(e)}`);
  }
  const isStatic = (ast: unknown): boolean => [...freeIdentifiers(ast)].every((id) => id in cx.staticScope && !cx.loopVars.has(id));
  if (isStatic(fn.ast)) {
    try {
      return constant(toPlain(fn(cx.staticScope)));
    } catch {
      // Left to request time, where the error names the Pod's template rendering.
    }
  }
  const fast = cx.fastPath ? specialise(fn.ast, { source, isStatic, compile: compileExpression, staticScope: cx.staticScope }) : undefined;
  const evaluate = fast
    ? (scope: Scope): unknown => {
        const v = fast(scope);
        return v === DEFER ? fn(scope) : v;
      }
    : fn;
  const where = `template "${cx.template}" at ${cx.path || '(top level)'}`;
  return dynamic((scope) => {
    try {
      return toPlain(evaluate(scope));
    } catch (e) {
      // Data the template reads may deny the Pod itself (bad JSON in a user-volume annotation).
      const denied = e instanceof InjectionDenied ? e : (e as { cause?: unknown }).cause;
      if (denied instanceof InjectionDenied) throw denied;
      throw new TemplateRenderError(`${where}: ${firstLine(e)}`);
    }
  });
}

interface Piece {
  readonly text?: string;
  readonly expr?: string;
}

/** Splits `a ${x} b` into literal and expression pieces; `$${` is a literal `${`. */
function splitPieces(s: string, cx: Context): Piece[] {
  const out: Piece[] = [];
  let text = '';
  let i = 0;
  while (i < s.length) {
    if (s.startsWith('$${', i)) {
      text += '${';
      i += 3;
    } else if (s.startsWith('${', i)) {
      const end = closingBrace(s, i + 2);
      if (end < 0) fail(cx, `unterminated \${ in "${s}"`);
      if (text) out.push({ text });
      text = '';
      out.push({ expr: s.slice(i + 2, end) });
      i = end + 1;
    } else {
      text += s[i];
      i++;
    }
  }
  if (text || out.length === 0) out.push({ text });
  return out;
}

/** Index of the `}` closing an expression that starts at `from`, skipping CEL string literals. */
function closingBrace(s: string, from: number): number {
  let depth = 0;
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (c === '"' || c === "'") {
      const q = c;
      for (i++; i < s.length && s[i] !== q; i++) if (s[i] === '\\') i++;
    } else if (c === '{') depth++;
    else if (c === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

function stringify(v: unknown): string {
  return typeof v === 'object' && v !== null ? JSON.stringify(v) : sprint(v);
}

function compileString(s: string, quoted: boolean, cx: Context): Compiled {
  const pieces = splitPieces(s, cx);
  const only = pieces[0];
  if (pieces.length === 1 && only?.expr !== undefined) {
    const c = compileExpr(only.expr, cx);
    if (!quoted) return c;
    const toText = (v: unknown): unknown => (v === null || v === undefined ? '' : typeof v === 'object' ? v : sprint(v));
    return c.isConst ? constant(toText(c.value)) : dynamic((scope) => toText(c.render(scope)));
  }
  const parts = pieces.map((p) => (p.expr === undefined ? constant(p.text ?? '') : compileExpr(p.expr, cx)));
  if (parts.every((p) => p.isConst)) return constant(parts.map((p) => stringify((p as { value: unknown }).value)).join(''));
  const renders = parts.map(asRender);
  return dynamic((scope) => {
    let out = '';
    for (const r of renders) out += stringify(r(scope));
    return out;
  });
}

function compileScalar(node: Scalar, cx: Context): Compiled {
  const v = node.value;
  if (typeof v !== 'string') return constant(v ?? null);
  const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
  return compileString(v, quoted, cx);
}

/** A `$if` value: a YAML boolean, or a CEL expression with or without `${ }`. */
function compileCondition(node: unknown, cx: Context): Compiled {
  if (isScalar(node) && typeof node.value === 'boolean') return constant(node.value);
  if (!isScalar(node) || typeof node.value !== 'string') return fail(cx, '$if needs an expression');
  const src = node.value.trim();
  const inner = /^\$\{([\s\S]*)\}$/.exec(src)?.[1];
  return compileExpr(inner !== undefined && splitPieces(src, cx).length === 1 ? inner : src, cx);
}

export const truthy = (v: unknown): boolean => v !== OMIT && !isEmptyValue(v);

export function compileNode(node: unknown, cx: Context): Compiled {
  if (isAlias(node)) return compileNode(node.resolve(cx.doc), cx);
  if (isScalar(node)) return compileScalar(node, cx);
  if (isMap(node)) return compileMap(node, cx);
  if (isSeq(node)) return compileSeq(node, cx);
  if (node === null || node === undefined) return constant(null);
  return fail(cx, 'unsupported YAML node');
}

interface Entry {
  readonly key: string;
  readonly omitEmpty: boolean;
  readonly value: Compiled;
}

/** Strategic-merge directives, kept in the rendered overlay for the merge step. */
const SMP_DIRECTIVES = /^\$(patch|retainKeys|setElementOrder\/.+|deleteFromPrimitiveList\/.+)$/;

function keyOf(node: unknown, cx: Context): string {
  if (isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number')) return String(node.value);
  return fail(cx, 'map keys must be plain strings');
}

function compileMap(node: { items: { key: unknown; value: unknown }[] }, cx: Context): Compiled {
  const entries: Entry[] = [];
  const merges: Compiled[] = [];
  let cond: Compiled = constant(true);
  for (const pair of node.items) {
    const key = keyOf(pair.key, cx);
    if (key === '$if') cond = compileCondition(pair.value, at(cx, '.$if'));
    else if (key === '$merge') merges.push(...compileMerge(pair.value, at(cx, '.$merge')));
    else if (key.startsWith('$') && !SMP_DIRECTIVES.test(key))
      fail(cx, `unknown directive ${key} (maps accept $if and $merge; $for and $items belong to list items; $patch and $retainKeys are passed to the merge)`);
    else {
      const omitEmpty = key.endsWith('?');
      const name = omitEmpty ? key.slice(0, -1) : key;
      entries.push({ key: name, omitEmpty, value: compileNode(pair.value, at(cx, `.${name}`)) });
    }
  }
  return buildMap(entries, merges, cond);
}

function compileMerge(node: unknown, cx: Context): Compiled[] {
  if (isSeq(node)) return node.items.map((item, i) => compileNode(item, at(cx, `[${i}]`)));
  return [compileNode(node, cx)];
}

function buildMap(entries: readonly Entry[], merges: readonly Compiled[], cond: Compiled): Compiled {
  const assemble = (get: (c: Compiled) => unknown): unknown => {
    const out: Record<string, unknown> = {};
    for (const e of entries) {
      const v = get(e.value);
      if (v === OMIT || (e.omitEmpty && isEmptyValue(v))) continue;
      out[e.key] = v;
    }
    for (const m of merges) {
      const v = get(m);
      if (isObject(v)) Object.assign(out, v);
    }
    return out;
  };
  if (cond.isConst && !truthy(cond.value)) return constant(OMIT);
  const parts = [cond, ...entries.map((e) => e.value), ...merges];
  if (parts.every((p) => p.isConst)) return constant(assemble((c) => (c as { value: unknown }).value));
  const test = asRender(cond);
  return dynamic((scope) => (truthy(test(scope)) ? assemble((c) => (c.isConst ? c.value : c.render(scope))) : OMIT));
}

function compileSeq(node: { items: unknown[] }, cx: Context): Compiled {
  const emits: Emit[] = [];
  const consts: unknown[] = [];
  let allConst = true;
  node.items.forEach((item, i) => {
    const icx = at(cx, `[${i}]`);
    const resolved = isAlias(item) ? item.resolve(cx.doc) : item;
    if (isMap(resolved) && resolved.items.some((p) => ['$for', '$items'].includes(keyOf(p.key, icx)))) {
      allConst = false;
      emits.push(compileSplice(resolved, icx));
      return;
    }
    const c = compileNode(resolved, icx);
    if (c.isConst) {
      if (c.value !== OMIT) consts.push(c.value);
      emits.push((_s, out) => {
        if (c.value !== OMIT) out.push(c.value);
      });
    } else {
      allConst = false;
      emits.push((s, out) => {
        const v = c.render(s);
        if (v !== OMIT) out.push(v);
      });
    }
  });
  if (allConst) return constant(consts);
  return dynamic((scope) => {
    const out: unknown[] = [];
    for (const e of emits) e(scope, out);
    return out;
  });
}

interface Loop {
  readonly names: readonly string[];
  readonly source: Compiled;
}

function parseLoop(node: unknown, cx: Context): Loop {
  const text = isScalar(node) ? String(node.value) : '';
  const m = /^\s*([A-Za-z_]\w*)(?:\s*,\s*([A-Za-z_]\w*))?\s+in\s+([\s\S]+)$/.exec(text);
  if (!m) return fail(cx, `$for must read "item in <expression>" or "key, value in <expression>", got "${text}"`);
  const names = m[2] ? [m[1] as string, m[2]] : [m[1] as string];
  return { names, source: compileExpr(m[3] as string, cx) };
}

/** Pairs to bind for each iteration: lists give (index, item), maps give sorted (key, value). */
function iterations(v: unknown): [unknown, unknown][] {
  if (Array.isArray(v)) return v.map((x, i) => [i, x]);
  if (isObject(v))
    return Object.keys(v)
      .sort()
      .map((k) => [k, v[k]]);
  return [];
}

function compileSplice(node: { items: { key: unknown; value: unknown }[] }, cx: Context): Emit {
  let loop: Loop | undefined;
  let condNode: unknown;
  let itemsNode: unknown;
  for (const p of node.items) {
    const key = keyOf(p.key, cx);
    if (key === '$for') loop = parseLoop(p.value, at(cx, '.$for'));
    else if (key === '$if') condNode = p.value;
    else if (key === '$items') itemsNode = p.value;
    else fail(cx, `a list item with $for/$items accepts only $for, $if and $items, not ${key}`);
  }
  if (!isSeq(itemsNode)) return fail(cx, '$items must be a list');
  const inner: Context = loop ? { ...cx, loopVars: new Set([...cx.loopVars, ...loop.names]) } : cx;
  const cond = asRender(condNode === undefined ? constant(true) : compileCondition(condNode, at(inner, '.$if')));
  const items = asRender(compileSeq(itemsNode, at(inner, '.$items')));
  const emitOnce = (scope: Scope, out: unknown[]): void => {
    if (truthy(cond(scope))) for (const v of items(scope) as unknown[]) out.push(v);
  };
  if (!loop) return emitOnce;
  const { names, source } = loop;
  const collection = asRender(source);
  return (scope, out) => {
    for (const [k, v] of iterations(collection(scope))) {
      const child = Object.create(scope) as Record<string, unknown>;
      if (names.length === 1) child[names[0] as string] = typeof k === 'number' ? v : k;
      else {
        child[names[0] as string] = k;
        child[names[1] as string] = v;
      }
      emitOnce(child, out);
    }
  };
}

export interface CompiledTemplate {
  readonly name: string;
  /** Renders the Pod overlay for one Pod; throws TemplateRenderError. Treat the result as read-only. */
  readonly render: (data: Scope) => Record<string, unknown>;
}

const TOP_LEVEL = new Set(['metadata', 'spec']);

export interface CompileOptions {
  /** Evaluate every expression with cel-js alone (tests compare the fast path with it). */
  readonly celOnly?: boolean;
}

/** Parses and compiles a template source; throws InjectorConfigError naming the template. */
export function compileTemplate(name: string, source: string, staticScope: Scope, options: CompileOptions = {}): CompiledTemplate {
  const doc = parseDocument(source, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) throw new InjectorConfigError(`template "${name}"`, `not valid YAML: ${firstLine(doc.errors[0])}`);
  const cx: Context = { template: name, doc, path: '', loopVars: new Set(), staticScope, fastPath: options.celOnly !== true };
  const root = doc.contents as Node | null;
  if (root !== null && !isMap(root)) fail(cx, 'a template is a mapping with metadata and/or spec (a Pod overlay)');
  for (const p of root?.items ?? []) {
    const key = keyOf(p.key, cx);
    if (!TOP_LEVEL.has(key) && key !== '$if') fail(cx, `top-level key "${key}" is not part of a Pod overlay (use metadata and spec)`);
  }
  const compiled = root === null ? constant({}) : compileNode(root, cx);
  const render = asRender(compiled);
  return {
    name,
    render: (data) => {
      const v = render(data);
      return v === OMIT || !isObject(v) ? {} : (v as Record<string, unknown>);
    },
  };
}
