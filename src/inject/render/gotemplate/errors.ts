// Errors of the Go template engine: every one names the template, the line and the column
// (1-based, counted in characters) where it happened, and for execution errors the action.

export class GoTemplateError extends Error {
  override readonly name = 'GoTemplateError';
  constructor(
    readonly template: string,
    readonly line: number,
    readonly column: number,
    readonly reason: string,
    /** The action being executed, in its source form. */
    readonly action?: string,
  ) {
    super(`template "${template}" line ${line} column ${column}${action === undefined ? '' : `, at <${clip(action)}>`}: ${reason}`);
  }
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}...` : s;
}

/** Line and column (both 1-based) of an offset in a text. */
export function position(text: string, pos: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < pos; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: pos - start + 1 };
}

/** An error raised inside a function or method; execution adds the position. */
export class CallError extends Error {}
