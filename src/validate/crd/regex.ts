// Regular expressions of CRD schemas and CEL rules. The API server uses Go's RE2: linear time,
// unanchored search. JavaScript's backtracking engine is much faster on the patterns these CRDs
// use, so it runs those that cannot backtrack badly; a pattern with a quantified group that
// does not start with a fixed character (the experimental header-value pattern
// `^[!-~]+([\t ]?[!-~]+)*$` takes seconds on 30 characters) or that JavaScript cannot compile
// runs on re2js, a linear-time RE2 port.
import { RE2JS } from 're2js';

export interface Matcher {
  test(s: string): boolean;
  /** ajv keys its compiled patterns by this text. */
  toString(): string;
}

/** A group followed by a quantifier, whose body starts with an optional or repeated piece. */
const RISKY_GROUP = /\((?:\?:)?(?:\[[^\]]*\]|\\.|[^()\\])(?:[?*+]|\{\d)[^()]*\)[*+{]/;

function nestedQuantifier(pattern: string): boolean {
  return /\([^()]*[*+}][^()]*\)[*+{]/.test(pattern);
}

/** Whether the pattern could take more than linear time on a backtracking engine. */
export function mayBacktrack(pattern: string): boolean {
  if (RISKY_GROUP.test(pattern)) return true;
  // Nested groups: a quantified group whose body begins with a literal (`\.`, `/`) is unambiguous.
  return nestedQuantifier(pattern) && !/\((?:\?:)?(?:\\[./:-]|[./:@-])/.test(pattern);
}

function re2(pattern: string, caseInsensitive: boolean): Matcher {
  const compiled = RE2JS.compile(pattern, caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0);
  return { test: (s) => compiled.matcher(s).find(), toString: () => `re2:${caseInsensitive ? '(?i)' : ''}${pattern}` };
}

/**
 * `X+(Y?X+)*` with character classes X and Y that share no character matches exactly what
 * `X+(YX+)*` matches (an empty Y only joins two runs of X into one), and the second form
 * cannot backtrack badly. The Gateway API's header-value pattern is of this shape.
 */
function unambiguous(pattern: string): string {
  return pattern.replace(/(\[[^\]]+\])\+\((\[[^\]]+\])\?\1\+\)\*/g, (whole, x: string, y: string) => (disjoint(x, y) ? `${x}+(${y}${x}+)*` : whole));
}

function disjoint(x: string, y: string): boolean {
  try {
    const rx = new RegExp(x, 'u');
    const ry = new RegExp(y, 'u');
    for (let c = 0; c < 0x80; c++) if (rx.test(String.fromCharCode(c)) && ry.test(String.fromCharCode(c))) return false;
    return !/[^\x00-\x7f]|\\[pPuxdDwWsS]/.test(x + y);
  } catch {
    return false;
  }
}

/** Compiles `pattern` with RE2 semantics (unanchored search); throws on a pattern RE2 refuses. */
export function compileMatcher(pattern: string): Matcher {
  let source = unambiguous(pattern);
  // A rewritten pattern is known to be unambiguous.
  const safe = source !== pattern;
  let flags = 'u';
  if (source.startsWith('(?i)')) {
    source = source.slice(4);
    flags = 'iu';
  }
  if (safe || !mayBacktrack(source)) {
    try {
      const re = new RegExp(source, flags);
      return { test: (s) => re.test(s), toString: () => `js:${re.toString()}` };
    } catch {
      // JavaScript-only syntax problems fall through to RE2, which decides.
    }
  }
  return re2(source, flags.includes('i'));
}

const cache = new Map<string, Matcher>();

/** compileMatcher, memoised (CEL rules call matches() with constant patterns). */
export function matcherFor(pattern: string): Matcher {
  let m = cache.get(pattern);
  if (!m) {
    m = compileMatcher(pattern);
    if (cache.size < 4096) cache.set(pattern, m);
  }
  return m;
}
