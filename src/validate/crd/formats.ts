// The string and number formats the API server checks in CRD schemas, with its semantics
// (kube-openapi's strfmt): anything else is not checked. A string format failure is a type
// error; an int32/int64 overflow is a plain invalid value.
import { isIPv4, isIPv6 } from 'node:net';

type StringCheck = (s: string) => boolean;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2}):(\d{2}):(\d{2})(\.\d+)?(z|[+-]\d{2}:\d{2})$/;

function isDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

/** RFC 3339 date-time, compared lower-cased and split at `t` as strfmt does. */
function isDateTime(s: string): boolean {
  const lower = s.toLowerCase();
  const t = lower.indexOf('t');
  if (t < 0 || !isDate(lower.slice(0, t))) return false;
  const m = TIME.exec(lower.slice(t + 1));
  if (!m) return false;
  const zone = m[5] ?? '';
  const zoneOk = zone === 'z' || (Number(zone.slice(1, 3)) <= 23 && Number(zone.slice(4, 6)) <= 59);
  return Number(m[1]) <= 23 && Number(m[2]) <= 59 && Number(m[3]) <= 59 && zoneOk;
}

/** Standard base64 with padding; the empty string is not valid. */
function isBase64(s: string): boolean {
  return s.length > 0 && s.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(s);
}

/** Lenient IPv4 (leading zeros allowed), as govalidator parses it. */
function isLenientIPv4(s: string): boolean {
  const parts = s.split('.');
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

function isCIDR(s: string): boolean {
  const [addr = '', bits = '', ...rest] = s.split('/');
  if (rest.length > 0 || !/^\d{1,3}$/.test(bits)) return false;
  if (isIPv4(addr)) return Number(bits) <= 32;
  return isIPv6(addr) && Number(bits) <= 128;
}

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const HOSTNAME =
  /^([a-zA-Z0-9\p{S}\p{L}]((-?[a-zA-Z0-9\p{S}\p{L}]{0,62})?)|([a-zA-Z0-9\p{S}\p{L}](([a-zA-Z0-9-\p{S}\p{L}]{0,61}[a-zA-Z0-9\p{S}\p{L}])?)(\.)){1,}([a-zA-Z\p{L}]){2,63})$/u;
const MAC = /^([0-9A-Fa-f]{2}[:-]){5}([0-9A-Fa-f]{2})$/;

/** String formats checked, by name. */
export const STRING_FORMATS: Readonly<Record<string, StringCheck>> = {
  'date-time': isDateTime,
  datetime: isDateTime,
  date: isDate,
  byte: isBase64,
  ipv4: (s) => s.includes('.') && (isLenientIPv4(s) || isIPv4(s)),
  ipv6: (s) => s.includes(':') && isIPv6(s),
  cidr: isCIDR,
  uuid: (s) => UUID.test(s),
  uuid3: (s) => UUID.test(s),
  uuid4: (s) => UUID.test(s),
  uuid5: (s) => UUID.test(s),
  hostname: (s) => s.length <= 255 && HOSTNAME.test(s),
  mac: (s) => MAC.test(s),
};

/** Integer formats checked, with their ranges. */
export const INTEGER_FORMATS: Readonly<Record<string, readonly [number, number]>> = {
  int32: [-2147483648, 2147483647],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};
