// Sidecar: inbound listeners (ports, default endpoints, TLS, connection pools), outbound
// listeners (hosts in namespace/host form, unix sockets, one catch-all last) and the outbound
// traffic policy.
import { checkDurations } from '../common/duration-fields.js';
import { fqdnProblem, namespacedHostProblems } from '../common/hosts.js';
import { isIP, unixSocketProblem } from '../common/net.js';
import { isHTTPProtocol, isTLSProtocol, portNameProblem, portNumberProblem, protocolProblem } from '../common/ports.js';
import { checkWorkloadSelector } from '../common/selectors.js';
import { checkServerTls } from '../common/tls.js';
import { asArray, asNumber, asMapping, asString, type Mapping } from '../../lib/json.js';
import { at, type Collector } from '../issues.js';
import { istioKind, type SpecContext } from './kind.js';
import { checkDestination, isSet } from './route-parts.js';
import { checkConnectionPool } from './traffic-policy.js';

const UNIX = 'unix://';
/** Port name (optional), protocol and number; `allowZero` for unix-socket egress listeners. */
function checkPortFields(c: Collector, path: string, port: Mapping, allowZero: boolean): void {
  const name = asString(port['name']) ?? '';
  const nameProblem = name === '' ? undefined : portNameProblem(name);
  if (nameProblem) c.error(at(path, 'name'), nameProblem);
  const protocol = protocolProblem(asString(port['protocol']) ?? '');
  if (protocol) c.error(at(path, 'protocol'), protocol);
  const n = asNumber(port['number']) ?? 0;
  const numberProblem = allowZero && n === 0 ? undefined : portNumberProblem(n);
  if (numberProblem) c.error(at(path, 'number'), numberProblem);
  if ((asNumber(port['targetPort']) ?? 0) > 0) c.error(at(path, 'targetPort'), 'targetPort has no effect on Sidecar listeners; remove it');
}

const LOOPBACKS = new Set(['127.0.0.1', '0.0.0.0', '::1', '::']);

/** `127.0.0.1:<port>`, `0.0.0.0:<port>`, `[::1]:<port>`, `[::]:<port>` or `unix:///path`. */
function defaultEndpointProblem(endpoint: string): string | undefined {
  if (endpoint.startsWith(UNIX)) return unixSocketProblem(endpoint.slice(UNIX.length));
  const m = /^(?:\[([^\]]*)\]|([^:[\]]*)):([^:]*)$/.exec(endpoint);
  const shape = 'defaultEndpoint must be 127.0.0.1:<port>, 0.0.0.0:<port>, [::1]:<port>, [::]:<port> or unix:///path';
  if (!m) return shape;
  const host = m[1] ?? m[2] ?? '';
  const port = m[3] ?? '';
  if (host !== '' && !LOOPBACKS.has(host)) return shape;
  if (!/^[+-]?\d+$/.test(port)) return `defaultEndpoint port "${port}" is not a number`;
  return portNumberProblem(Number(port));
}

const INGRESS_TLS_UNSUPPORTED: readonly [string, string][] = [
  ['subjectAltNames', 'subjectAltNames'],
  ['credentialName', 'credentialName'],
  ['credentialNames', 'credentialNames'],
  ['tlsCertificates', 'tlsCertificates'],
];

function checkIngressTls(c: Collector, path: string, tls: Mapping, protocol: string): void {
  for (const [key, what] of INGRESS_TLS_UNSUPPORTED) {
    const v = tls[key];
    if (Array.isArray(v) ? v.length > 0 : (asString(v) ?? '') !== '')
      c.error(at(path, key), `${what} is not supported on Sidecar inbound listeners; use serverCertificate and privateKey`);
  }
  if (tls['httpsRedirect'] === true) c.error(at(path, 'httpsRedirect'), 'httpsRedirect is not supported on Sidecar inbound listeners');
  const mode = asString(tls['mode']) ?? '';
  if (mode === 'ISTIO_MUTUAL' || mode === 'AUTO_PASSTHROUGH') c.error(at(path, 'mode'), `mode ${mode} cannot be used on Sidecar inbound listeners`);
  if (!isTLSProtocol(protocol)) c.error(path, 'TLS settings need the listener port protocol to be HTTPS or TLS');
  checkServerTls(c, path, tls);
}

function checkIngress(c: Collector, path: string, ing: Mapping, ports: Set<number>): void {
  const port = asMapping(ing['port']);
  if (!port) return; // required by the schema
  checkPortFields(c, at(path, 'port'), port, false);
  const bind = asString(ing['bind']) ?? '';
  if (bind !== '' && !isIP(bind)) c.error(at(path, 'bind'), `"${bind}" is not an IP address`);
  const n = asNumber(port['number']) ?? 0;
  if (ports.has(n)) c.error(at(at(path, 'port'), 'number'), `port ${n} is used by another inbound listener; ports must be unique`);
  ports.add(n);
  const endpoint = asString(ing['defaultEndpoint']) ?? '';
  const epProblem = endpoint === '' ? undefined : defaultEndpointProblem(endpoint);
  if (epProblem) c.error(at(path, 'defaultEndpoint'), epProblem);
  const protocol = asString(port['protocol']) ?? '';
  const tls = asMapping(ing['tls']);
  if (tls) checkIngressTls(c, at(path, 'tls'), tls, protocol);
  checkConnectionPool(c, at(path, 'connectionPool'), ing['connectionPool']);
  if (isSet(asMapping(ing['connectionPool'])?.['http']) && !isHTTPProtocol(protocol)) {
    c.warn(`${path}.connectionPool.http applies only to HTTP ports; port ${n} is ${protocol || 'not HTTP'}`);
  }
}

interface EgressState {
  readonly ports: Set<number>;
  readonly sockets: Set<string>;
  catchAll: boolean;
}

function checkEgressPort(c: Collector, path: string, eg: Mapping, port: Mapping, state: EgressState): void {
  checkPortFields(c, at(path, 'port'), port, true);
  const bind = asString(eg['bind']) ?? '';
  const n = asNumber(port['number']) ?? 0;
  if (n === 0) {
    if (!bind.startsWith(UNIX)) c.error(at(path, 'bind'), 'a listener on port 0 must bind to a unix socket (unix:///path)');
    else {
      const problem = unixSocketProblem(bind.slice(UNIX.length));
      if (problem) c.error(at(path, 'bind'), problem);
    }
    const mode = asString(eg['captureMode']) ?? 'DEFAULT';
    if (mode !== 'DEFAULT' && mode !== 'NONE') c.error(at(path, 'captureMode'), 'unix socket listeners need captureMode DEFAULT or NONE');
    if (state.sockets.has(bind)) c.error(at(path, 'bind'), `unix socket "${bind}" is used by another listener`);
    state.sockets.add(bind);
    return;
  }
  if (bind !== '' && !isIP(bind)) c.error(at(path, 'bind'), `"${bind}" is not an IP address`);
  if (state.ports.has(n)) c.error(at(at(path, 'port'), 'number'), `port ${n} is used by another outbound listener; ports must be unique`);
  state.ports.add(n);
}

function checkEgressHosts(c: Collector, path: string, hosts: unknown[], namespace: string): void {
  if (hosts.length === 0) return c.error(at(path, 'hosts'), 'an outbound listener needs at least one host, such as "*/*" or "./*"');
  const byNamespace = new Map<string, Set<string>>();
  hosts.forEach((raw, i) => {
    const host = asString(raw);
    if (host === undefined) return;
    const where = at(at(path, 'hosts'), i);
    for (const problem of namespacedHostProblems(host, { gateway: false })) c.error(where, problem);
    const slash = host.indexOf('/');
    if (slash < 0) return;
    const ns = host.slice(0, slash) === '.' ? namespace : host.slice(0, slash);
    const svc = host.slice(slash + 1);
    const seen = byNamespace.get(ns) ?? new Set<string>();
    byNamespace.set(ns, seen);
    if (svc === '*' ? seen.size > 0 : seen.has(svc) || seen.has('*')) c.warn(`${where}: "${host}" is already covered by another host of this listener`);
    seen.add(svc);
  });
  if (byNamespace.get('*')?.has('*') && byNamespace.size > 1) c.warn(`${path}.hosts: "*/*" selects everything, so the other hosts add nothing`);
}

function checkEgress(c: Collector, egress: unknown[], namespace: string): void {
  const state: EgressState = { ports: new Set(), sockets: new Set(), catchAll: false };
  egress.forEach((raw, i) => {
    const path = `spec.egress[${i}]`;
    const eg = asMapping(raw);
    if (!eg) return c.error(path, 'an outbound listener may not be null');
    const port = asMapping(eg['port']);
    if (!port) {
      if (state.catchAll) return c.error(path, 'only one outbound listener may leave out the port');
      if (i !== egress.length - 1) c.error(path, 'the outbound listener without a port catches everything else, so it must be the last one');
      else state.catchAll = true;
    } else checkEgressPort(c, path, eg, port, state);
    checkEgressHosts(c, path, asArray(eg['hosts']), namespace);
  });
}

function checkOutboundPolicy(c: Collector, value: unknown): void {
  const policy = asMapping(value);
  if (!policy) return;
  const path = 'spec.outboundTrafficPolicy';
  const mode = asString(policy['mode']) ?? 'REGISTRY_ONLY';
  if (mode === 'ALLOW_ANY_DYNAMIC_DNS') c.error(at(path, 'mode'), 'ALLOW_ANY_DYNAMIC_DNS can only be set mesh-wide (MeshConfig), not in a Sidecar');
  const proxy = asMapping(policy['egressProxy']);
  if (!proxy) return;
  if (mode !== 'ALLOW_ANY') return c.error(at(path, 'egressProxy'), 'egressProxy is used only with mode ALLOW_ANY');
  const host = asString(proxy['host']) ?? '';
  const problem = fqdnProblem(host);
  if (problem) c.error(at(at(path, 'egressProxy'), 'host'), problem);
  if (!isSet(proxy['port'])) return c.error(at(at(path, 'egressProxy'), 'port'), 'egressProxy needs a port');
  checkDestination(c, at(path, 'egressProxy'), proxy);
}

function rules({ c, spec, namespace }: SpecContext): void {
  checkDurations('Sidecar', spec, c);
  checkWorkloadSelector(c, 'spec.workloadSelector', spec['workloadSelector'], { field: 'labels', kindWord: 'sidecar' });
  const ingress = asArray(spec['ingress']);
  const egress = asArray(spec['egress']);
  if (ingress.length === 0 && egress.length === 0 && !isSet(spec['outboundTrafficPolicy']) && !isSet(spec['inboundConnectionPool'])) {
    c.error('spec', 'the Sidecar configures nothing; add ingress, egress, outboundTrafficPolicy or inboundConnectionPool');
    return;
  }
  const ports = new Set<number>();
  ingress.forEach((raw, i) => {
    const ing = asMapping(raw);
    if (ing) checkIngress(c, `spec.ingress[${i}]`, ing, ports);
    else c.error(`spec.ingress[${i}]`, 'an inbound listener may not be null');
  });
  checkConnectionPool(c, 'spec.inboundConnectionPool', spec['inboundConnectionPool']);
  checkEgress(c, egress, namespace);
  checkOutboundPolicy(c, spec['outboundTrafficPolicy']);
}

export const validateSidecar = istioKind({ rules });
