// IP addresses, CIDR blocks and ports, with the strictness of Go's net/netip parsers.
import { isIPv4, isIPv6 } from 'node:net';

/** A plain IPv4 or IPv6 address (no zone, no brackets, no leading zeros in IPv4). */
export function isIP(text: string): boolean {
  if (isIPv4(text)) return !/(^|\.)0\d/.test(text);
  return isIPv6(text) && !text.includes('%');
}

/** `addr/bits` with bits within the address family's length. */
export function isCIDR(text: string): boolean {
  const slash = text.indexOf('/');
  if (slash < 0 || slash !== text.lastIndexOf('/')) return false;
  const addr = text.slice(0, slash);
  const bits = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bits) || (bits.length > 1 && bits.startsWith('0'))) return false;
  const n = Number(bits);
  if (isIPv4(addr)) return isIP(addr) && n <= 32;
  return isIP(addr) && n <= 128;
}

/** An IP, or a CIDR block when it contains a slash. */
export function isIPOrCIDR(text: string): boolean {
  return text.includes('/') ? isCIDR(text) : isIP(text);
}

/** A unix socket path (after `unix://`): absolute and not a directory, or abstract (`@name`). */
export function unixSocketProblem(addr: string): string | undefined {
  if (addr === '') return 'the unix socket path must not be empty';
  if (addr.startsWith('@')) return undefined;
  if (!addr.startsWith('/') || addr.endsWith('/')) return `"${addr}" must be an absolute path to a socket file (or @name for an abstract socket)`;
  return undefined;
}
