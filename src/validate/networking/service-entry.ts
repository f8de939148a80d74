// ServiceEntry: hosts, addresses and ports, and how each resolution mode (NONE, STATIC, DNS,
// DNS_ROUND_ROBIN, DYNAMIC_DNS) constrains endpoints, addresses and hosts.
import { fqdnProblem, partialWildcardProblem, wildcardHostProblem } from '../common/hosts.js';
import { isIPOrCIDR } from '../common/net.js';
import { isHTTPProtocol, isTCPProtocol, isTLSProtocol, parseProtocol, portNameProblem, portNumberProblem, protocolProblem } from '../common/ports.js';
import { checkExportTo, checkWorkloadSelector } from '../common/selectors.js';
import { asArray, asNumber, asMapping, asString, type Mapping } from '../../lib/json.js';
import { at, type Collector } from '../issues.js';
import { istioKind, type SpecContext } from './kind.js';
import { isSet, nonEmptyList } from './route-parts.js';
import { checkEndpoint } from './workload-entry.js';

interface SeContext {
  readonly c: Collector;
  readonly spec: Mapping;
  readonly resolution: string;
  readonly hosts: string[];
  readonly portNames: Set<string>;
  /** The object opted into automatic address allocation, so TCP ports need no addresses. */
  readonly autoAllocate: boolean;
}

function checkHosts(ctx: SeContext): void {
  const { c, spec, resolution } = ctx;
  // An absent list is reported by the schema (a required field); an empty one here.
  if (Array.isArray(spec['hosts']) && spec['hosts'].length === 0) c.error('spec.hosts', 'a ServiceEntry needs at least one host');
  asArray(spec['hosts']).forEach((raw, i) => {
    const host = asString(raw);
    if (host === undefined) return;
    const path = `spec.hosts[${i}]`;
    if (host === '*') return c.error(path, '"*" cannot be a ServiceEntry host; name the hosts, or a domain wildcard such as *.example.com');
    const problem = wildcardHostProblem(host);
    if (problem) c.error(path, problem);
    if (resolution !== 'DYNAMIC_DNS' && partialWildcardProblem(host)) c.warn(`${path}: "${host}" is a partial wildcard; only "*." prefixes match as wildcards`);
  });
}

function checkAddresses({ c, spec, resolution }: SeContext): void {
  let cidr = false;
  asArray(spec['addresses']).forEach((raw, i) => {
    const addr = asString(raw);
    if (addr === undefined) return;
    cidr ||= addr.includes('/');
    if (!isIPOrCIDR(addr)) c.error(`spec.addresses[${i}]`, `"${addr}" is not an IP address or CIDR block`);
  });
  if (cidr && resolution !== 'NONE' && resolution !== 'STATIC') {
    c.error('spec.addresses', `CIDR blocks in addresses need resolution NONE or STATIC, not ${resolution}`);
  }
}

function checkPort(ctx: SeContext, i: number, p: Mapping, numbers: Map<number, number>): void {
  const { c, spec, resolution, portNames } = ctx;
  const path = `spec.ports[${i}]`;
  const name = asString(p['name']) ?? '';
  const n = asNumber(p['number']) ?? 0;
  if (portNames.has(name)) c.error(at(path, 'name'), `port name "${name}" is already used by another port`);
  const first = numbers.get(n);
  if (first !== undefined) c.error(at(path, 'number'), `port ${n} is already defined by spec.ports[${first}]`);
  else numbers.set(n, i);
  portNames.add(name);
  const target = asNumber(p['targetPort']) ?? 0;
  if (target !== 0 && resolution === 'NONE') c.warn(`${path}.targetPort has no effect with resolution NONE`);
  const protocol = asString(p['protocol']) ?? '';
  if (asArray(spec['addresses']).length === 0 && !ctx.autoAllocate && (protocol === '' || protocol === 'TCP')) {
    c.warn(`${path}: TCP (or unset) protocol without spec.addresses only works when the proxy allocates addresses`);
  }
  for (const [field, problem] of [
    ['name', portNameProblem(name)],
    ['protocol', protocolProblem(protocol)],
    ['number', portNumberProblem(n)],
  ] as const) {
    if (problem) c.error(at(path, field), problem);
  }
}

function checkPorts(ctx: SeContext): void {
  const numbers = new Map<number, number>();
  asArray(ctx.spec['ports']).forEach((raw, i) => {
    const p = asMapping(raw);
    if (p) checkPort(ctx, i, p, numbers);
    else ctx.c.error(`spec.ports[${i}]`, 'a port may not be null');
  });
}

const port = (ctx: SeContext): Mapping[] => asArray(ctx.spec['ports']).map((p) => asMapping(p) ?? {});

function checkEndpoints(ctx: SeContext, mode: 'static' | 'dns'): void {
  asArray(ctx.spec['endpoints']).forEach((raw, i) => {
    const ep = asMapping(raw);
    if (ep) checkEndpoint(ctx.c, `spec.endpoints[${i}]`, ep, { servicePorts: ctx.portNames, mode });
    else ctx.c.error(`spec.endpoints[${i}]`, 'an endpoint may not be null');
  });
}

function checkDns(ctx: SeContext): void {
  const { c, spec, resolution, hosts } = ctx;
  const endpoints = asArray(spec['endpoints']);
  if (endpoints.length === 0) {
    hosts.forEach((h, i) => {
      if (fqdnProblem(h))
        c.error(`spec.hosts[${i}]`, `with resolution ${resolution} and no endpoints, hosts are looked up in DNS and must be fully qualified names without wildcards`);
    });
  }
  if (resolution === 'DNS_ROUND_ROBIN' && endpoints.length > 1) {
    c.error('spec.endpoints', `DNS_ROUND_ROBIN resolution takes at most one endpoint; there are ${endpoints.length}`);
  }
  checkEndpoints(ctx, 'dns');
  if (isSet(spec['workloadSelector'])) c.warn(`spec.workloadSelector is not used with resolution ${resolution}`);
  if (nonEmptyList(spec['addresses']) && hosts.length > 1 && port(ctx).some((p) => isTCPProtocol(asString(p['protocol']) ?? ''))) {
    c.warn('spec.hosts: with addresses and a TCP port, only one host can be told apart; list a single host');
  }
}

const DYNAMIC_DNS_PROTOCOLS = new Set(['HTTP', 'TLS', 'GRPC', 'HTTP2']);

function checkDynamicDns({ c, spec, hosts }: SeContext): void {
  hosts.forEach((h, i) => {
    if (!h.startsWith('*')) c.error(`spec.hosts[${i}]`, `DYNAMIC_DNS resolves the names under a wildcard; "${h}" must be a wildcard such as *.example.com`);
  });
  if (nonEmptyList(spec['addresses'])) c.error('spec.addresses', 'DYNAMIC_DNS takes the destination from the host name; remove addresses');
  if (nonEmptyList(spec['endpoints'])) c.error('spec.endpoints', 'DYNAMIC_DNS resolves the host name itself; remove endpoints');
  asArray(spec['ports']).forEach((raw, i) => {
    const protocol = parseProtocol(asString(asMapping(raw)?.['protocol']) ?? '');
    if (!protocol || !DYNAMIC_DNS_PROTOCOLS.has(protocol)) {
      c.error(`spec.ports[${i}].protocol`, 'DYNAMIC_DNS supports only the HTTP, HTTP2, GRPC and TLS protocols');
    }
  });
}

function checkResolution(ctx: SeContext, labels: Mapping): void {
  const { c, spec, resolution } = ctx;
  if (resolution === 'NONE') {
    if (nonEmptyList(spec['endpoints'])) c.error('spec.endpoints', 'resolution NONE forwards to the original destination; endpoints cannot be set');
    if (isSet(spec['workloadSelector'])) c.warn('spec.workloadSelector is not used with resolution NONE');
  } else if (resolution === 'STATIC') checkEndpoints(ctx, 'static');
  else if (resolution === 'DNS' || resolution === 'DNS_ROUND_ROBIN') checkDns(ctx);
  else if (resolution === 'DYNAMIC_DNS') {
    checkDynamicDns(ctx);
    const waypoint = asString(labels['istio.io/use-waypoint']) ?? '';
    if (asString(spec['location']) === 'MESH_INTERNAL' && waypoint !== '' && waypoint !== 'none') {
      c.error('spec.location', 'MESH_INTERNAL with DYNAMIC_DNS is not supported when the service uses a waypoint');
    }
  }
  if (resolution !== 'NONE' && ctx.hosts.length > 1) {
    const bad = port(ctx).findIndex((p) => !isHTTPProtocol(asString(p['protocol']) ?? '') && !isTLSProtocol(asString(p['protocol']) ?? ''));
    if (bad >= 0) c.error(`spec.ports[${bad}].protocol`, 'with several hosts every port must be HTTP or TLS, so that traffic can be told apart by Host or SNI');
  }
}

const AUTO_ALLOCATE = 'networking.istio.io/enable-autoallocate-ip';

function rules({ c, spec, namespace, labels }: SpecContext): void {
  const resolution = asString(spec['resolution']) ?? 'NONE';
  const hosts = asArray(spec['hosts']).filter((h): h is string => typeof h === 'string');
  const autoAllocate = asString(labels[AUTO_ALLOCATE]) === 'true';
  const ctx: SeContext = { c, spec, resolution, hosts, portNames: new Set(), autoAllocate };
  checkWorkloadSelector(c, 'spec.workloadSelector', spec['workloadSelector'], { field: 'labels', kindWord: 'workload' });
  if (isSet(spec['workloadSelector']) && nonEmptyList(spec['endpoints'])) {
    c.error('spec.endpoints', 'set either workloadSelector or endpoints, not both');
  }
  checkHosts(ctx);
  checkAddresses(ctx);
  checkPorts(ctx);
  checkResolution(ctx, labels);
  checkExportTo(c, 'spec.exportTo', spec['exportTo'], namespace, { allowNone: true });
}

export const validateServiceEntry = istioKind({ rules });
