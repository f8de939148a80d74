// Kubernetes' CEL URL library: url(), isURL() and the URL accessors. A URL is what Go's
// url.ParseRequestURI accepts: an absolute URI (scheme:...) or an absolute path.
export interface KubeUrl {
  readonly scheme: string;
  readonly host: string;
  readonly path: string;
  readonly query: string;
}

export class UrlValue implements KubeUrl {
  constructor(
    readonly scheme: string,
    readonly host: string,
    readonly path: string,
    readonly query: string,
  ) {}
}

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/s;
/** ASCII characters Go refuses in a host name. */
const BAD_HOST_CHAR = /[\x00-\x20"#%<>\\^`{|}]/;

function splitAuthority(rest: string): { host: string; path: string } {
  const end = rest.search(/[/?]/);
  const authority = end < 0 ? rest : rest.slice(0, end);
  const host = authority.slice(authority.lastIndexOf('@') + 1);
  return { host, path: end < 0 ? '' : rest.slice(end) };
}

function validPort(host: string): boolean {
  const close = host.lastIndexOf(']');
  const colon = host.lastIndexOf(':');
  if (colon < 0 || colon < close) return true;
  if (host.startsWith('[')) return /^\d*$/.test(host.slice(colon + 1));
  return /^\d*$/.test(host.slice(colon + 1)) || host.indexOf(':') !== colon;
}

/** Parses like url.ParseRequestURI; undefined when Go would return an error. */
export function parseRequestUri(text: string): UrlValue | undefined {
  if (/[\x00-\x1f\x7f]/.test(text)) return undefined;
  const q = text.indexOf('?');
  const body = q < 0 ? text : text.slice(0, q);
  const query = q < 0 ? '' : text.slice(q + 1);
  if (body.startsWith('/')) return body.startsWith('//') ? parseAuthority('', body, query) : new UrlValue('', '', body, query);
  const m = SCHEME.exec(body);
  if (!m) return undefined;
  const scheme = (m[1] ?? '').toLowerCase();
  const rest = m[2] ?? '';
  if (!rest.startsWith('/')) return new UrlValue(scheme, '', '', query);
  return rest.startsWith('//') ? parseAuthority(scheme, rest, query) : new UrlValue(scheme, '', rest, query);
}

function parseAuthority(scheme: string, rest: string, query: string): UrlValue | undefined {
  const { host, path } = splitAuthority(rest.slice(2));
  if (BAD_HOST_CHAR.test(host.replace(/%[0-9A-Fa-f]{2}/g, '')) || !validPort(host)) return undefined;
  return new UrlValue(scheme, host, path, query);
}

export function hostnameOf(u: KubeUrl): string {
  if (u.host.startsWith('[')) return u.host.slice(1, u.host.indexOf(']'));
  const colon = u.host.lastIndexOf(':');
  return colon < 0 ? u.host : u.host.slice(0, colon);
}

export function portOf(u: KubeUrl): string {
  const close = u.host.lastIndexOf(']');
  const colon = u.host.lastIndexOf(':');
  return colon < 0 || colon < close ? '' : u.host.slice(colon + 1);
}
