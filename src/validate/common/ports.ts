// Port numbers, port names and the protocol names Istio understands (case-insensitive, as
// Istio's protocol.Parse reads them), with the families each protocol belongs to.
import { isLabel } from './hosts.js';

export type Protocol = 'TCP' | 'UDP' | 'GRPC' | 'GRPC-WEB' | 'HTTP' | 'HTTP_PROXY' | 'HTTP2' | 'HTTPS' | 'TLS' | 'MONGO' | 'REDIS' | 'MYSQL';

interface Family {
  readonly http: boolean;
  readonly tls: boolean;
  /** Served as raw TCP by the proxy (no HTTP parsing). */
  readonly tcp: boolean;
}

const FAMILIES: Readonly<Record<Protocol, Family>> = {
  TCP: { http: false, tls: false, tcp: true },
  UDP: { http: false, tls: false, tcp: false },
  GRPC: { http: true, tls: false, tcp: false },
  'GRPC-WEB': { http: true, tls: false, tcp: false },
  HTTP: { http: true, tls: false, tcp: false },
  HTTP_PROXY: { http: true, tls: false, tcp: false },
  HTTP2: { http: true, tls: false, tcp: false },
  HTTPS: { http: false, tls: true, tcp: true },
  TLS: { http: false, tls: true, tcp: true },
  MONGO: { http: false, tls: false, tcp: true },
  REDIS: { http: false, tls: false, tcp: true },
  MYSQL: { http: false, tls: false, tcp: true },
};

export const PROTOCOLS: readonly Protocol[] = Object.keys(FAMILIES) as Protocol[];

/** The protocol `text` names (any case), or undefined when Istio does not know it. */
export function parseProtocol(text: string): Protocol | undefined {
  const upper = text.toUpperCase();
  return upper in FAMILIES ? (upper as Protocol) : undefined;
}

const family = (text: string): Family | undefined => {
  const p = parseProtocol(text);
  return p === undefined ? undefined : FAMILIES[p];
};

export const isHTTPProtocol = (text: string): boolean => family(text)?.http ?? false;
export const isTLSProtocol = (text: string): boolean => family(text)?.tls ?? false;
export const isTCPProtocol = (text: string): boolean => family(text)?.tcp ?? false;

/** Why `text` is not a protocol Istio knows; an empty protocol (sniffing) is fine. */
export function protocolProblem(text: string): string | undefined {
  if (text === '' || parseProtocol(text)) return undefined;
  return `"${text}" is not a supported protocol; use one of ${PROTOCOLS.join(', ')}`;
}

/** Why `n` is not a TCP/UDP port number (1-65535). */
export function portNumberProblem(n: number): string | undefined {
  if (Number.isInteger(n) && n >= 1 && n <= 65535) return undefined;
  return `port ${n} is out of range; ports are 1-65535`;
}

/** Port names are DNS labels (Istio compares them without regard to case). */
export function portNameProblem(name: string): string | undefined {
  if (isLabel(name)) return undefined;
  return `port name "${name}" must be a DNS label: letters, digits and inner dashes, at most 63 characters`;
}
