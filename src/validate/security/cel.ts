// Syntax-only checks of CEL expressions (Telemetry access-log filters), as Istio does with
// cel-go's Parse: no type checking, since the attributes exist only inside the proxy.
import { parse as parseCel } from '@marcbachmann/cel-js';

/** Why `expression` does not parse as CEL, or undefined. */
export function celSyntaxProblem(expression: string): string | undefined {
  if (expression.trim() === '') return 'it is empty';
  let ast: unknown;
  try {
    ast = parseCel(expression).ast;
  } catch (e) {
    return (e instanceof Error ? e.message : String(e)).split('\n')[0];
  }
  return badHasMacro(ast) ? 'has() takes a single field selection, like has(request.headers.foo)' : undefined;
}

/** cel-go expands has() while parsing and refuses anything but `has(x.field)`. */
function badHasMacro(node: unknown, depth = 0): boolean {
  if (depth > 500 || node === null || typeof node !== 'object') return false;
  if (Array.isArray(node)) return node.some((n) => badHasMacro(n, depth + 1));
  const n = node as { op?: unknown; args?: unknown };
  if (n.op === 'call' && Array.isArray(n.args) && n.args[0] === 'has') {
    const args = n.args[1];
    if (Array.isArray(args) && args.length === 1 && (args[0] as { op?: unknown } | null)?.op !== '.') return true;
  }
  return badHasMacro(n.args, depth + 1);
}
