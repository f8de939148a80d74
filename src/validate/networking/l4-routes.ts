// TLS (SNI) and TCP routes of a VirtualService.
import { hostIsSubsetOf, wildcardHostProblem } from '../common/hosts.js';
import { isIP, isIPOrCIDR } from '../common/net.js';
import { portNumberProblem } from '../common/ports.js';
import { checkLabelMap } from '../common/selectors.js';
import { asArray, asNumber, asMapping, asString, type Mapping } from '../../lib/json.js';
import { at, type Collector } from '../issues.js';
import { checkRouteDestinations } from './http-route.js';
import { checkGatewayNames, nonEmptyList } from './route-parts.js';

export interface L4Context {
  readonly hosts: readonly string[];
  /** True unless the VirtualService lists the `mesh` gateway (Istio's isGateway). */
  readonly sniOnGateway: boolean;
  readonly gatewaySemantics: boolean;
}

/**
 * VirtualService hosts on gateways: besides wildcard domains, gateways with SNI routes accept
 * Istio's generated `outbound_.<port>_._.<host>` names (AUTO_PASSTHROUGH).
 */
export function gatewayHostProblem(sni: boolean, host: string): string | undefined {
  if (host.length === 0 || host.length > 255) return wildcardHostProblem(host);
  if (!(sni && host.startsWith('outbound_'))) return wildcardHostProblem(host);
  const parts = host.split('_');
  const format = 'write it as outbound_.<port>_._.<hostname>';
  if (parts.length < 4) return `"${host}" is not a valid generated SNI name; ${format}`;
  const port = (parts[1] ?? '').replace(/^\.+|\.+$/g, '');
  const name = (parts[3] ?? '').replace(/^\.+|\.+$/g, '');
  if (parts[0] !== 'outbound') return `"${host}" is not a valid generated SNI name; ${format}`;
  if (!/[0-9]/.test(port)) return `"${host}" has "${port}" where the port number belongs; ${format}`;
  if (!/[a-zA-Z]/.test(name)) return `"${host}" has no host name after the port; ${format}`;
  return undefined;
}

function checkSubnets(c: Collector, path: string, value: unknown): void {
  asArray(value).forEach((raw, i) => {
    const s = asString(raw);
    if (s !== undefined && !isIPOrCIDR(s)) c.error(at(path, i), `"${s}" is not an IP address or CIDR block`);
  });
}

function checkL4Match(c: Collector, path: string, match: Mapping): void {
  checkSubnets(c, at(path, 'destinationSubnets'), match['destinationSubnets']);
  const port = asNumber(match['port']) ?? 0;
  const problem = port === 0 ? undefined : portNumberProblem(port);
  if (problem) c.error(at(path, 'port'), problem);
  checkLabelMap(c, at(path, 'sourceLabels'), match['sourceLabels']);
  checkGatewayNames(c, at(path, 'gateways'), match['gateways']);
}

function checkSniHost(c: Collector, path: string, sni: string, ctx: L4Context): void {
  const problem = ctx.sniOnGateway ? gatewayHostProblem(true, sni) : wildcardHostProblem(sni);
  if (problem) {
    if (isIP(sni)) c.warn(`${path}: SNI "${sni}" is an IP address; TLS clients rarely send IP addresses as SNI`);
    else c.error(path, problem);
    return;
  }
  if (!ctx.hosts.some((h) => hostIsSubsetOf(sni, h))) {
    c.error(path, `SNI host "${sni}" is not covered by any of the VirtualService hosts (${ctx.hosts.join(', ') || 'none'})`);
  }
}

export function checkTlsRoute(c: Collector, path: string, route: Mapping, ctx: L4Context): void {
  const matches = asArray(route['match']);
  if (matches.length === 0) c.error(at(path, 'match'), 'a TLS route needs at least one match with sniHosts');
  matches.forEach((raw, i) => {
    const where = at(at(path, 'match'), i);
    const match = asMapping(raw);
    if (!match) return c.error(where, 'a TLS match may not be null');
    const snis = asArray(match['sniHosts']);
    if (snis.length === 0) c.error(at(where, 'sniHosts'), 'a TLS match needs at least one SNI host');
    snis.forEach((s, j) => {
      const sni = asString(s);
      if (sni !== undefined) checkSniHost(c, at(at(where, 'sniHosts'), j), sni, ctx);
    });
    checkL4Match(c, where, match);
  });
  if (!nonEmptyList(route['route'])) c.error(at(path, 'route'), 'a TLS route needs at least one destination');
  checkRouteDestinations(c, at(path, 'route'), route['route'], ctx.gatewaySemantics);
}

export function checkTcpRoute(c: Collector, path: string, route: Mapping, gatewaySemantics: boolean): void {
  asArray(route['match']).forEach((raw, i) => {
    const where = at(at(path, 'match'), i);
    const match = asMapping(raw);
    if (!match) return c.error(where, 'a TCP match may not be null');
    checkL4Match(c, where, match);
    const source = asString(match['sourceSubnet']) ?? '';
    if (source !== '' && !isIPOrCIDR(source)) c.error(at(where, 'sourceSubnet'), `"${source}" is not an IP address or CIDR block`);
  });
  if (!nonEmptyList(route['route'])) c.error(at(path, 'route'), 'a TCP route needs at least one destination');
  checkRouteDestinations(c, at(path, 'route'), route['route'], gatewaySemantics);
}
