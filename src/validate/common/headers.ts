// HTTP header names and values as Envoy and Istio accept them. Names are RFC 7230 tokens (plus,
// where routing allows it, HTTP/2 pseudo-headers and `@request.auth.claims` JWT claims); values
// must be free of control characters and follow Envoy's `%VARIABLE%` formatter grammar.

const TOKEN = /^[!#$%&'*+\-.^_`|~A-Za-z0-9]+$/;
const STRICT = /^[-A-Za-z0-9]+$/;
const PSEUDO_HEADERS = new Set([':method', ':scheme', ':authority', ':path', ':status']);
const JWT_CLAIM_PREFIX = '@request.auth.claims';
// Any ASCII control character except horizontal tab.
const CONTROL = /[\u0000-\u0008\u000A-\u001F\u007F]/;

/** `@request.auth.claims.a.b` or `@request.auth.claims[a][b]`: routing on a JWT claim (gateways only). */
export function isJwtClaimHeader(name: string): boolean {
  if (!name.toLowerCase().startsWith(JWT_CLAIM_PREFIX)) return false;
  const rest = name.slice(JWT_CLAIM_PREFIX.length);
  if (rest.startsWith('.'))
    return rest
      .slice(1)
      .split('.')
      .every((p) => p !== '');
  if (rest.startsWith('[') && rest.endsWith(']'))
    return rest
      .slice(1, -1)
      .split('][')
      .every((p) => p !== '' && !/[[\]]/.test(p));
  return false;
}

export interface HeaderNameOptions {
  /** Accept `:method`, `:scheme`, `:authority`, `:path` and `:status`. */
  readonly pseudo?: boolean;
  /** Accept `@request.auth.claims…` names (VirtualService header matches). */
  readonly jwtClaim?: boolean;
  /** Accept `*` (CORS allow/expose headers). */
  readonly star?: boolean;
  /** Only letters, digits and dashes (probes, JWT output headers). */
  readonly strict?: boolean;
}

/** Why `name` is not an acceptable header name, or undefined. */
export function headerNameProblem(name: string, opts: HeaderNameOptions = {}): string | undefined {
  if (name === '') return 'header name must not be empty';
  if (opts.star && name === '*') return undefined;
  if (opts.jwtClaim && isJwtClaimHeader(name)) return undefined;
  if (opts.pseudo && PSEUDO_HEADERS.has(name)) return undefined;
  if (opts.strict) {
    return STRICT.test(name) ? undefined : `"${name}" is not a valid header name; use only letters, digits and "-"`;
  }
  if (TOKEN.test(name)) return undefined;
  return `"${name}" is not a valid header name; header names are tokens without spaces, ":", quotes or separators`;
}

/** `:`-prefixed names and `host` refer to values Envoy computes itself. */
function isInternalHeader(name: string): boolean {
  return name.startsWith(':') || name.toLowerCase() === 'host';
}

export function isAuthorityHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return lower === ':authority' || lower === 'host';
}

/**
 * Why a header may not be set/added on requests (`headers.request.set/add`): `:`-prefixed names
 * are off limits except `:authority` (and `host`), which rewrite the authority.
 */
export function requestHeaderWriteProblem(name: string): string | undefined {
  if (name === '') return 'header name must not be empty';
  if (isInternalHeader(name) && !isAuthorityHeader(name)) return `"${name}" cannot be set: headers starting with ":" are managed by the proxy`;
  return undefined;
}

/** Why a header may not be removed from requests or changed on responses. */
export function headerEditProblem(name: string): string | undefined {
  if (name === '') return 'header name must not be empty';
  if (name.toLowerCase() === 'host') return `"${name}" cannot be changed here; the Host header is managed by the proxy`;
  if (name.startsWith(':')) return `"${name}" cannot be changed: headers starting with ":" are managed by the proxy`;
  return undefined;
}

type ParserState = 'literal' | 'name' | 'array' | 'string' | 'expectString' | 'delimiter' | 'argsEnd' | 'varEnd';

interface Step {
  readonly state: ParserState;
  /** Characters to skip after this one (an escape). */
  readonly skip?: number;
  readonly error?: string;
}

type StepFn = (ch: string, next: string | undefined) => Step;

// Envoy skips whitespace with isspace(); of those, only space and tab get past the control-character check.
const isSpace = (ch: string): boolean => ch === ' ' || ch === '\t';

// One transition per parser state, ported from Envoy's header formatter parser.
const STEPS: Readonly<Record<ParserState, StepFn>> = {
  literal: (ch, next) => {
    if (ch !== '%') return { state: 'literal' };
    if (next === undefined) return { state: 'literal', error: 'ends with a lone "%"; write "%%" for a literal percent sign' };
    return next === '%' ? { state: 'literal', skip: 1 } : { state: 'name' };
  },
  name: (ch) => ({ state: ch === '%' ? 'literal' : ch === '(' ? 'array' : 'name' }),
  array: (ch) => ({ state: ch === '[' ? 'expectString' : isSpace(ch) ? 'array' : 'string' }),
  expectString: (ch) => {
    if (ch === '"') return { state: 'string' };
    return isSpace(ch) ? { state: 'expectString' } : { state: 'expectString', error: 'expects a quoted string argument after "[" or ","' };
  },
  string: (ch, next) => {
    if (ch === '\\') return next === undefined ? { state: 'string', error: 'ends inside a backslash escape' } : { state: 'string', skip: 1 };
    return { state: ch === ')' ? 'varEnd' : ch === '"' ? 'delimiter' : 'string' };
  },
  delimiter: (ch) => {
    if (ch === ',') return { state: 'expectString' };
    if (ch === ']') return { state: 'argsEnd' };
    return isSpace(ch) ? { state: 'delimiter' } : { state: 'delimiter', error: 'expects "," or "]" between arguments' };
  },
  argsEnd: (ch) => {
    if (ch === ')') return { state: 'varEnd' };
    return isSpace(ch) ? { state: 'argsEnd' } : { state: 'argsEnd', error: 'expects ")" after the argument list' };
  },
  varEnd: (ch) => {
    if (ch === '%') return { state: 'literal' };
    return isSpace(ch) ? { state: 'varEnd' } : { state: 'varEnd', error: 'expects "%" to close the variable' };
  },
};

/** Envoy's `%VAR%` / `%VAR(args)%` grammar; `%%` is a literal percent sign. */
function formatterProblem(value: string): string | undefined {
  let state: ParserState = 'literal';
  for (let pos = 0; pos < value.length; pos++) {
    const step: Step = STEPS[state](value[pos] as string, value[pos + 1]);
    if (step.error) return `header value "${value}" ${step.error}`;
    state = step.state;
    pos += step.skip ?? 0;
  }
  if (state !== 'literal') return `header value "${value}" has an unterminated %VARIABLE% expression; write "%%" for a literal percent sign`;
  return undefined;
}

/** Why Envoy would refuse `value` as a header value to add or set, or undefined. */
export function headerValueProblem(value: string): string | undefined {
  if (CONTROL.test(value)) return `header value ${JSON.stringify(value)} contains control characters`;
  return formatterProblem(value);
}
