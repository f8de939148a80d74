// URL checks with the strictness of Go's net/url (what Istio and the CRDs' CEL url() use):
// WHATWG `new URL` is far more forgiving, so the grammar is checked here by hand.

export interface ParsedUrl {
  /** Lower-cased scheme, '' for an absolute path. */
  readonly scheme: string;
  readonly host: string;
}

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;
const BAD_ESCAPE = /%(?![0-9a-fA-F]{2})/;
const HOST_CHARS = /^[A-Za-z0-9\-._~!$&'()*+,;=[\]:%]*$/;
const USERINFO_CHARS = /^[A-Za-z0-9\-._~!$&'()*+,;=:%]*$/;

/**
 * Parses like Go's url.ParseRequestURI: an absolute URL (`scheme://host/path`, `scheme:/path`)
 * or an absolute path. Returns undefined when Go would refuse it.
 */
export function parseRequestURI(text: string): ParsedUrl | undefined {
  if (text === '' || /[\x00-\x1f\x7f]/.test(text) || BAD_ESCAPE.test(text)) return undefined;
  const m = SCHEME.exec(text);
  const scheme = m ? (m[1] as string).toLowerCase() : '';
  const rest = m ? text.slice(m[0].length) : text;
  if (!rest.startsWith('/')) return undefined;
  if (!rest.startsWith('//')) return { scheme, host: '' };
  const end = rest.indexOf('/', 2);
  const authority = rest.slice(2, end < 0 ? undefined : end);
  const at = authority.lastIndexOf('@');
  const userinfo = at < 0 ? '' : authority.slice(0, at);
  const hostport = authority.slice(at + 1);
  if (!USERINFO_CHARS.test(userinfo) || !HOST_CHARS.test(hostport) || !validPort(hostport)) return undefined;
  return { scheme, host: hostport };
}

/** Go's parseHost: `[ipv6]` needs its closing bracket; whatever follows the host is `:digits` or nothing. */
function validPort(hostport: string): boolean {
  if (hostport.startsWith('[')) {
    const close = hostport.lastIndexOf(']');
    return close >= 0 && /^(?::\d*)?$/.test(hostport.slice(close + 1));
  }
  const colon = hostport.lastIndexOf(':');
  return colon < 0 || /^\d*$/.test(hostport.slice(colon + 1));
}
