// meshgate rule `re2-regex` (docs/validation.md): a RegularExpression match in an HTTPRoute or
// GRPCRoute must compile with RE2, the dialect of Envoy, which data planes such as Istio and
// Envoy Gateway hand it to. The Gateway API CRDs leave the dialect to implementations, so the
// API server accepts any text; a pattern RE2 refuses would be rejected later by the data plane
// (the route is not programmed). `--regex-check=warn` turns this into a warning.
import { regexProblem } from '../common/regex.js';
import { asArray, asMapping, asString, type Mapping } from '../../lib/json.js';
import type { SemanticContext } from '../framework.js';
import { at } from '../issues.js';

export const RE2_RULE = 're2-regex';

function report(ctx: SemanticContext, path: string, value: unknown): void {
  const text = asString(value);
  const why = text === undefined ? undefined : regexProblem(text);
  if (why === undefined) return;
  const message = `${why} [meshgate rule ${RE2_RULE}]`;
  if (ctx.settings.regexCheck === 'deny') ctx.c.error(path, message);
  else ctx.c.warn(`${path}: ${message}`);
}

function each(list: unknown, path: string, visit: (o: Mapping, path: string) => void): void {
  asArray(list).forEach((v, i) => {
    const o = asMapping(v);
    if (o) visit(o, at(path, i));
  });
}

function regexEntries(ctx: SemanticContext, list: unknown, path: string): void {
  each(list, path, (o, p) => {
    if (o['type'] === 'RegularExpression') report(ctx, at(p, 'value'), o['value']);
  });
}

function httpMatch(ctx: SemanticContext, m: Mapping, path: string): void {
  const p = asMapping(m['path']);
  if (p?.['type'] === 'RegularExpression') report(ctx, at(at(path, 'path'), 'value'), p['value']);
  regexEntries(ctx, m['headers'], at(path, 'headers'));
  regexEntries(ctx, m['queryParams'], at(path, 'queryParams'));
}

function grpcMatch(ctx: SemanticContext, m: Mapping, path: string): void {
  const method = asMapping(m['method']);
  if (method?.['type'] === 'RegularExpression') {
    for (const field of ['service', 'method']) if (method[field] !== undefined) report(ctx, at(at(path, 'method'), field), method[field]);
  }
  regexEntries(ctx, m['headers'], at(path, 'headers'));
}

/** Checks the regular expressions of every rule's matches (HTTPRoute or GRPCRoute). */
export function checkRouteRegexes(ctx: SemanticContext, grpc: boolean): void {
  each(ctx.spec?.['rules'], 'spec.rules', (rule, rulePath) => {
    each(rule['matches'], at(rulePath, 'matches'), (m, p) => (grpc ? grpcMatch(ctx, m, p) : httpMatch(ctx, m, p)));
  });
}
