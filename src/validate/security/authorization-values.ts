// The value grammars of AuthorizationPolicy: condition keys (`when[].key`), IP blocks, ports,
// service accounts, trust domains and path templates. Each check returns why a value is
// wrong, or undefined when it is fine.
import { isIPOrCIDR } from '../common/net.js';

export type ValueCheck = (value: string) => string | undefined;

export function ipProblem(value: string): string | undefined {
  return isIPOrCIDR(value) ? undefined : `"${value}" is not a valid IP address or CIDR block`;
}

export function portProblem(value: string): string | undefined {
  return /^\d{1,5}$/.test(value) && Number(value) <= 65535 ? undefined : `"${value}" is not a port number (0-65535)`;
}

const SA_MAX = 320;

/** `serviceAccount` or `namespace/serviceAccount`, without wildcards. */
export function serviceAccountProblem(value: string): string | undefined {
  if (value.includes('*')) return `"${value}": wildcards are not allowed in service accounts`;
  if (value.length > SA_MAX) return `service account is ${value.length} characters long; at most ${SA_MAX} are allowed`;
  const parts = value.split('/');
  if (parts.length > 2) return `"${value}" must be "serviceAccount" or "namespace/serviceAccount"`;
  if (parts.some((p) => p === '')) return `"${value}" must be "serviceAccount" or "namespace/serviceAccount", with neither part empty`;
  return undefined;
}

/** A trust domain, `*`, or one leading or trailing `*`; never a `/`. */
export function trustDomainProblem(value: string): string | undefined {
  if (value.includes('/')) return `"${value}" is a trust domain, which cannot contain "/" (is it a principal?)`;
  const stars = value.split('*').length - 1;
  if (stars === 0 || value === '*') return undefined;
  if (stars === 1 && (value.startsWith('*') || value.endsWith('*'))) return undefined;
  return `"${value}": a wildcard is allowed only as the whole value or at its start or end`;
}

const MATCH_ONE = '{*}';
const MATCH_ANY = '{**}';
/** Characters Envoy accepts in a literal segment of a path template (RFC 3986 pchar). */
const PCHAR = /^[a-zA-Z0-9\-._~%!$&'()+,;:@=]+$/;

/** Path templates: `{*}` and `{**}` segments only, `{**}` last among them, pchar literals. */
export function pathProblem(path: string): string | undefined {
  const template = path.includes(MATCH_ONE) || path.includes(MATCH_ANY);
  let sawMatchAny = false;
  for (const segment of path.replace(/^\/+|\/+$/g, '').split('/')) {
    const isTemplate = segment === MATCH_ONE || segment === MATCH_ANY;
    if (isTemplate && sawMatchAny) return `path template "${path}": {**} must be the last {*} or {**} segment`;
    if (isTemplate) {
      sawMatchAny = segment === MATCH_ANY;
      continue;
    }
    if (/[{}]/.test(segment)) {
      return `path "${path}": "{" and "}" may only appear as whole {*} or {**} segments`;
    }
    if (template && !PCHAR.test(segment)) {
      return `path template "${path}": segment "${segment}" has characters a path template does not allow`;
    }
  }
  return undefined;
}

interface Attribute {
  readonly key: string;
  /** The key is `name[...]`, e.g. request.headers[User-Agent]. */
  readonly prefix?: boolean;
  readonly values?: ValueCheck;
  /** The attribute exists but may not be used any more. */
  readonly retired?: string;
}

/** Condition keys, in the order they are matched (prefixes before anything they might shadow). */
const ATTRIBUTES: readonly Attribute[] = [
  { key: 'request.headers', prefix: true },
  { key: 'request.experimental.inline.headers', prefix: true },
  { key: 'source.ip', values: ipProblem },
  { key: 'remote.ip', values: ipProblem },
  { key: 'source.namespace' },
  { key: 'source.serviceAccount', values: serviceAccountProblem },
  { key: 'source.principal' },
  { key: 'source.trustDomain', values: trustDomainProblem },
  { key: 'request.auth.principal' },
  { key: 'request.auth.audiences' },
  { key: 'request.auth.presenter' },
  { key: 'request.auth.claims', prefix: true },
  { key: 'destination.ip', values: ipProblem },
  { key: 'destination.port', values: portProblem },
  { key: 'connection.sni' },
  { key: 'experimental.envoy.filters.', prefix: true },
  { key: 'destination.namespace', retired: 'is not supported; a policy applies in its own namespace (metadata.namespace)' },
  { key: 'destination.labels', prefix: true, retired: 'is not supported; choose workloads with spec.selector instead' },
  { key: 'destination.name', retired: 'was only supported by the old v1alpha1 API' },
  { key: 'destination.user', retired: 'was only supported by the old v1alpha1 API' },
];

export const KNOWN_KEYS_TEXT =
  'request.headers[<name>], source.ip, remote.ip, source.namespace, source.serviceAccount, source.principal, ' +
  'source.trustDomain, request.auth.principal, request.auth.audiences, request.auth.presenter, ' +
  'request.auth.claims[<name>], destination.ip, destination.port, connection.sni, experimental.envoy.filters.*[<name>]';

export interface KeyVerdict {
  readonly problem?: string;
  readonly values?: ValueCheck;
}

/** Looks a condition key up: why it is unusable, and how its values are checked. */
export function conditionKey(key: string): KeyVerdict {
  const attr = ATTRIBUTES.find((a) => (a.prefix ? key.startsWith(a.key) : key === a.key));
  if (!attr) return { problem: `unknown attribute "${key}"; supported keys are ${KNOWN_KEYS_TEXT}` };
  if (attr.retired) return { problem: `attribute "${key}" ${attr.retired}` };
  if (attr.prefix && attr.key !== 'destination.labels' && !isMapKey(key)) {
    return { problem: `"${key}" must name an entry in brackets, like ${attr.key.replace(/\.$/, '.a.b')}[name]` };
  }
  return attr.values ? { values: attr.values } : {};
}

/** `name[entry]` with a non-empty name and entry. */
function isMapKey(key: string): boolean {
  const open = key.indexOf('[');
  return key.endsWith(']') && open > 0 && open < key.length - 2;
}
