// Parsers for the small value syntaxes Istio accepts in annotations and values: port lists,
// CIDR lists, interface names, Kubernetes quantities, durations. Each check returns an error
// message (in our own words) or undefined when the value is acceptable. Quantities are also
// printed here in the canonical form Kubernetes gives them.

import { isObject, type JsonObject } from '../../lib/json.js';

const DIGITS = /^[0-9]+$/;

function parseUint(text: string, max: number): number | undefined {
  if (!DIGITS.test(text)) return undefined;
  const n = Number(text);
  return n <= max ? n : undefined;
}

/** A port number 0-65535 (Go ParseUint base 10, 16 bits). */
export function checkPort(text: string): string | undefined {
  return parseUint(text.trim(), 65535) === undefined ? `"${text}" is not a port number (0-65535)` : undefined;
}

export function checkUint32(text: string): string | undefined {
  return parseUint(text, 4294967295) === undefined ? `"${text}" is not a non-negative 32-bit integer` : undefined;
}

/** A comma-separated port list; empty is allowed. */
export function checkPortList(text: string): string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  for (const p of t.split(',')) {
    const e = checkPort(p);
    if (e) return `${e} in port list "${text}"`;
  }
  return undefined;
}

export function checkPortListOrStar(text: string): string | undefined {
  return text === '*' ? undefined : checkPortList(text);
}

const IPV4 = /^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$/;
const HEXTET = /^[0-9a-fA-F]{1,4}$/;

function isIPv6(text: string): boolean {
  let s = text;
  const lastColon = s.lastIndexOf(':');
  if (lastColon < 0) return false;
  const tail = s.slice(lastColon + 1);
  if (tail.includes('.')) {
    if (!IPV4.test(tail)) return false;
    s = `${s.slice(0, lastColon + 1)}0:0`;
  }
  const halves = s.split('::');
  const groups = (h: string): string[] => (h === '' ? [] : h.split(':'));
  if (halves.length > 2) return false;
  const all = halves.flatMap(groups);
  if (!all.every((g) => HEXTET.test(g))) return false;
  return halves.length === 2 ? all.length < 8 : all.length === 8;
}

/** One CIDR prefix as Go's netip.ParsePrefix accepts it (host bits may be set). */
export function checkCidr(text: string): string | undefined {
  const slash = text.indexOf('/');
  const bad = `"${text}" is not a CIDR range (address/prefix-length)`;
  if (slash < 0) return bad;
  const addr = text.slice(0, slash);
  const bits = text.slice(slash + 1);
  const max = IPV4.test(addr) ? 32 : isIPv6(addr) ? 128 : -1;
  if (max < 0 || !/^(0|[1-9][0-9]*)$/.test(bits) || Number(bits) > max) return bad;
  return undefined;
}

/** A comma-separated CIDR list (entries are not trimmed, as in Istio); empty is allowed. */
export function checkCidrList(text: string): string | undefined {
  if (text === '') return undefined;
  for (const c of text.split(',')) {
    const e = checkCidr(c);
    if (e) return e;
  }
  return undefined;
}

export function checkCidrListOrStar(text: string): string | undefined {
  return text === '*' ? undefined : checkCidrList(text);
}

/** Comma-separated network interface names (Linux: 1-15 characters, no spaces, "/" or ":"). */
export function checkInterfaces(text: string): string | undefined {
  if (text.trim() === '') return undefined;
  for (const raw of text.split(',')) {
    const name = raw.trim();
    if (!/^[^\s/:]{1,15}$/.test(name) || name === '.' || name === '..') {
      return `"${raw}" is not a network interface name`;
    }
  }
  return undefined;
}

const QUANTITY = /^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/;

/** A Kubernetes resource quantity such as 100m, 1.5, 128Mi or 1e3. */
export function checkQuantity(text: string): string | undefined {
  return QUANTITY.test(text) ? undefined : `"${text}" is not a Kubernetes quantity (like 100m, 2 or 128Mi)`;
}

const DECIMAL_SUFFIXES: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

/**
 * A quantity in the canonical form Kubernetes (Go's resource.Quantity) prints it: "2000m" is
 * "2", "1024Mi" is "1Gi", "0.5" is "500m". Binary quantities stay binary when they are whole
 * and at least 1024, else they are printed with decimal suffixes; exponent forms stay exponents.
 * Text that is not a quantity, or one beyond the suffixes, is returned unchanged.
 */
export function canonicalQuantity(text: string): string {
  const m = QUANTITY.exec(text);
  if (!m) return text;
  const negative = text.startsWith('-');
  const number = m[1] as string;
  const suffix = m[3] ?? '';
  const exponent = /^[eE]/.test(suffix);
  // Amounts far beyond any real request or limit are returned as written: big-number arithmetic
  // on them (1e-99999999999) would cost seconds of CPU or throw, on the request path.
  if (number.length > 64 || (exponent && Math.abs(Number(suffix.slice(1))) > 64)) return text;
  const dot = number.indexOf('.');
  const fraction = dot < 0 ? '' : number.slice(dot + 1);
  // The value is n × 10^scale.
  let n = BigInt((dot < 0 ? number : number.slice(0, dot)) + fraction || '0');
  let scale = -fraction.length;
  const binary = BINARY_SUFFIXES.indexOf(suffix);
  if (binary > 0) n *= 1024n ** BigInt(binary);
  else scale += exponent ? Number(suffix.slice(1)) : (DECIMAL_SUFFIXES[suffix] as number);
  if (scale < -9) {
    // Quantities keep nine decimal places, rounding up.
    const div = 10n ** BigInt(-9 - scale);
    n = (n + div - 1n) / div;
    scale = -9;
  }
  if (n === 0n) return '0';
  const sign = negative ? '-' : '';
  if (binary > 0) {
    const whole = scale >= 0 ? n * 10n ** BigInt(scale) : n % 10n ** BigInt(-scale) === 0n ? n / 10n ** BigInt(-scale) : undefined;
    if (whole !== undefined && whole >= 1024n) {
      let v = whole;
      let power = 0;
      while (v % 1024n === 0n && power < BINARY_SUFFIXES.length - 1) {
        v /= 1024n;
        power++;
      }
      return `${sign}${v}${BINARY_SUFFIXES[power]}`;
    }
  }
  while (n % 10n === 0n) {
    n /= 10n;
    scale++;
  }
  const off = ((scale % 3) + 3) % 3;
  n *= 10n ** BigInt(off);
  scale -= off;
  if (exponent) return `${sign}${n}${scale === 0 ? '' : `e${scale}`}`;
  const name = Object.keys(DECIMAL_SUFFIXES).find((k) => DECIMAL_SUFFIXES[k] === scale);
  return name === undefined ? text : `${sign}${n}${name}`;
}

/** Requests and limits in the canonical form Kubernetes prints (2000m is "2", 1024Mi is 1Gi). */
export function canonicalResources(resources: JsonObject): JsonObject {
  const out: JsonObject = { ...resources };
  for (const group of ['requests', 'limits']) {
    const amounts = out[group];
    if (!isObject(amounts)) continue;
    const canonical: JsonObject = {};
    for (const [k, v] of Object.entries(amounts)) canonical[k] = typeof v === 'string' || typeof v === 'number' ? canonicalQuantity(String(v)) : v;
    out[group] = canonical;
  }
  return out;
}

export function checkBool(text: string): string | undefined {
  return ['1', 't', 'T', 'true', 'TRUE', 'True', '0', 'f', 'F', 'false', 'FALSE', 'False'].includes(text) ? undefined : `"${text}" is not a boolean (true or false)`;
}

/** A duration in protobuf JSON form ("45s", "0.500s"). */
export function protoDuration(seconds: number): string {
  const fixed = seconds.toFixed(9).replace(/\.?0+$/, '');
  return `${fixed}s`;
}
