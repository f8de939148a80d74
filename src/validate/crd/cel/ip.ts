// Kubernetes' CEL IP and CIDR libraries, as far as CRD rules use them: isIP() refuses zones,
// IPv4-mapped IPv6 and leading zeros; ip().family(); isCIDR(), cidr().containsIP().
import { isIPv4, isIPv6 } from 'node:net';

export class IpValue {
  constructor(readonly text: string) {}
}
export class CidrValue {
  constructor(
    readonly addr: string,
    readonly bits: number,
  ) {}
}

export function isKubeIP(s: string): boolean {
  if (isIPv4(s)) return !/(^|\.)0\d/.test(s);
  return isIPv6(s) && !s.includes('%') && !/^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(s) && !/\.\d+$/.test(s);
}

export function family(ip: IpValue): bigint {
  return isIPv4(ip.text) ? 4n : 6n;
}

export function parseCidr(s: string): CidrValue | undefined {
  const [addr = '', bits = '', ...rest] = s.split('/');
  if (rest.length > 0 || !/^\d{1,3}$/.test(bits) || !isKubeIP(addr)) return undefined;
  const n = Number(bits);
  return n <= (isIPv4(addr) ? 32 : 128) ? new CidrValue(addr, n) : undefined;
}

function toBigInt(ip: string): bigint {
  if (isIPv4(ip)) return ip.split('.').reduce((a, p) => (a << 8n) + BigInt(p), 0n);
  const [head = '', tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  return groups.reduce((a, g) => (a << 16n) + BigInt(parseInt(g, 16)), 0n);
}

export function cidrContains(c: CidrValue, ip: string): boolean {
  if (isIPv4(c.addr) !== isIPv4(ip)) return false;
  const width = isIPv4(ip) ? 32n : 128n;
  const shift = width - BigInt(c.bits);
  return toBigInt(c.addr) >> shift === toBigInt(ip) >> shift;
}
