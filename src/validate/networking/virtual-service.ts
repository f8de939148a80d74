// VirtualService: hosts and the gateways it binds to, delegation, and its HTTP, TLS and TCP
// routes (rules for each route live in http-route.ts and l4-routes.ts).
import { checkDurations } from '../common/duration-fields.js';
import { isJwtClaimHeader } from '../common/headers.js';
import { hostsOverlap, wildcardHostProblem } from '../common/hosts.js';
import { isIP } from '../common/net.js';
import { checkExportTo } from '../common/selectors.js';
import { asArray, asMapping, asString, type Mapping } from '../../lib/json.js';
import { at, type Collector } from '../issues.js';
import { checkHttpRoute } from './http-route.js';
import { hasGatewaySemantics, istioKind, type SpecContext } from './kind.js';
import { checkTcpRoute, checkTlsRoute, gatewayHostProblem, type L4Context } from './l4-routes.js';
import { checkGatewayNames, nonEmptyList } from './route-parts.js';
import { analyzeRules } from './vs-analysis.js';

const strings = (value: unknown): string[] => asArray(value).filter((v): v is string => typeof v === 'string');

/** A VirtualService without hosts is a delegate: only HTTP routes, and no gateways of its own. */
function checkDelegate(c: Collector, spec: Mapping): void {
  if (nonEmptyList(spec['gateways']))
    c.error('spec.gateways', 'a delegate VirtualService (one without hosts) takes its gateways from the root VirtualService; remove gateways or add hosts');
  if (nonEmptyList(spec['tls'])) c.error('spec.tls', 'a delegate VirtualService (one without hosts) can only have HTTP routes');
  if (nonEmptyList(spec['tcp'])) c.error('spec.tcp', 'a delegate VirtualService (one without hosts) can only have HTTP routes');
}

/** Routing on JWT claims happens only at gateways, where the token has been checked. */
function checkJwtClaimRoutes(c: Collector, spec: Mapping): void {
  asArray(spec['http']).forEach((route, i) => {
    asArray(asMapping(route)?.['match']).forEach((m, j) => {
      for (const field of ['headers', 'withoutHeaders']) {
        for (const name of Object.keys(asMapping(asMapping(m)?.[field]) ?? {})) {
          if (isJwtClaimHeader(name)) {
            c.error(at(`spec.http[${i}].match[${j}].${field}`, name), 'routing on JWT claims works only on gateways; this VirtualService also applies to sidecars (mesh)');
          }
        }
      }
    });
  });
}

function hasSniMatch(spec: Mapping): boolean {
  return asArray(spec['tls']).some((r) => asArray(asMapping(r)?.['match']).some((m) => nonEmptyList(asMapping(m)?.['sniHosts'])));
}

function checkHosts(c: Collector, spec: Mapping, onGateway: boolean): void {
  const hosts = strings(spec['hosts']);
  const sni = hasSniMatch(spec);
  let allValid = true;
  asArray(spec['hosts']).forEach((raw, i) => {
    const host = asString(raw);
    if (host === undefined) return;
    const problem = onGateway ? gatewayHostProblem(sni, host) : wildcardHostProblem(host);
    if (problem && !isIP(host)) {
      c.error(`spec.hosts[${i}]`, problem);
      allValid = false;
    } else if (!problem && !onGateway && host === '*') {
      c.error(`spec.hosts[${i}]`, '"*" is not allowed for VirtualServices that apply to sidecars (mesh); bind it to a gateway or name the hosts');
      allValid = false;
    }
  });
  if (!allValid) return;
  hosts.forEach((a, i) =>
    hosts.slice(i + 1).forEach((b, k) => {
      if (hostsOverlap(a, b)) c.error(`spec.hosts[${i + 1 + k}]`, `"${b}" overlaps with "${a}" (spec.hosts[${i}]); each host may appear in only one entry`);
    }),
  );
}

function checkRoutes(c: Collector, spec: Mapping, ctx: SpecContext, l4: L4Context): void {
  if (!nonEmptyList(spec['http']) && !nonEmptyList(spec['tcp']) && !nonEmptyList(spec['tls'])) {
    c.error('spec', 'a VirtualService needs at least one http, tcp or tls route');
  }
  const inDelegate = !nonEmptyList(spec['hosts']);
  asArray(spec['http']).forEach((raw, i) => {
    const route = asMapping(raw);
    if (route) checkHttpRoute(c, `spec.http[${i}]`, route, { inDelegate, gatewaySemantics: l4.gatewaySemantics });
    else c.error(`spec.http[${i}]`, 'an HTTP route may not be null');
  });
  asArray(spec['tls']).forEach((raw, i) => {
    const route = asMapping(raw);
    if (route) checkTlsRoute(c, `spec.tls[${i}]`, route, l4);
  });
  asArray(spec['tcp']).forEach((raw, i) => {
    const route = asMapping(raw);
    if (route) checkTcpRoute(c, `spec.tcp[${i}]`, route, l4.gatewaySemantics);
  });
  checkExportTo(c, 'spec.exportTo', spec['exportTo'], ctx.namespace);
}

function rules(ctx: SpecContext): void {
  checkDurations('VirtualService', ctx.spec, ctx.c);
  const { c, spec } = ctx;
  const gateways = strings(spec['gateways']);
  const gatewaySemantics = hasGatewaySemantics(ctx.annotations, 'internal.istio.io/route-semantics');
  if (!nonEmptyList(spec['hosts'])) checkDelegate(c, spec);
  checkGatewayNames(c, 'spec.gateways', spec['gateways']);
  const onGateway = gateways.length > 0 && !gateways.includes('mesh');
  if (!onGateway) checkJwtClaimRoutes(c, spec);
  checkHosts(c, spec, onGateway);
  const l4: L4Context = { hosts: strings(spec['hosts']), sniOnGateway: !gateways.includes('mesh'), gatewaySemantics };
  checkRoutes(c, spec, ctx, l4);
  analyzeRules(c, 'spec.http', spec['http'], true);
  analyzeRules(c, 'spec.tcp', spec['tcp'], false);
  analyzeRules(c, 'spec.tls', spec['tls'], false);
}

export const validateVirtualService = istioKind({ rules });
