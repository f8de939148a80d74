// Regular expressions are checked with RE2 semantics, because Envoy compiles them with RE2:
// JavaScript's RegExp would accept look-arounds and back-references that Envoy rejects.
import { RE2JS } from 're2js';
import { memoized } from './memo.js';

/** Why RE2 refuses `pattern`, or undefined when it compiles. Results are memoised. */
export const re2Error = memoized(
  (pattern: string): string | undefined => {
    try {
      RE2JS.compile(pattern);
      return undefined;
    } catch (e) {
      return (e as Error).message.replace(/^error parsing regexp: /, '');
    }
  },
  4096,
  Infinity,
);

/** Message for a pattern RE2 refuses or that is longer than `maxLength`, else undefined. */
export function regexProblem(pattern: string, maxLength?: number): string | undefined {
  if (maxLength !== undefined && pattern.length > maxLength) {
    return `regular expression is ${pattern.length} characters long; at most ${maxLength} are allowed`;
  }
  const why = re2Error(pattern);
  return why === undefined ? undefined : `not a valid RE2 regular expression (${why}); Envoy uses RE2 syntax, which has no look-arounds or back-references`;
}
