// Gateway (networking.istio.io): servers with hosts, ports, binds and TLS. The protocol decides
// what TLS may look like: HTTPS/TLS need it, HTTP may only redirect or pass through, others none.
import { isLabel, namespacedHostProblems } from '../common/hosts.js';
import { isIP, unixSocketProblem } from '../common/net.js';
import { isHTTPProtocol, isTLSProtocol, parseProtocol, portNumberProblem, PROTOCOLS } from '../common/ports.js';
import { checkServerTls } from '../common/tls.js';
import { asArray, asNumber, asMapping, asString, type Mapping } from '../../lib/json.js';
import { at, type Collector } from '../issues.js';
import { hasGatewaySemantics, istioKind, type SpecContext } from './kind.js';

const UNIX = 'unix://';

/** Returns true when the port itself is usable (the TLS-versus-protocol rules need it). */
function checkServerPort(c: Collector, path: string, port: Mapping | undefined, bind: string): boolean {
  if (!port) return false;
  let ok = true;
  const protocol = asString(port['protocol']) ?? '';
  if (!parseProtocol(protocol)) {
    c.error(at(path, 'protocol'), `"${protocol}" is not a protocol a gateway can serve; use one of ${PROTOCOLS.filter((p) => p !== 'UDP').join(', ')}`);
    ok = false;
  }
  const n = asNumber(port['number']) ?? 0;
  const problem = n > 0 || !bind.startsWith(UNIX) ? portNumberProblem(n) : undefined;
  if (problem) {
    c.error(at(path, 'number'), problem);
    ok = false;
  }
  if ((asNumber(port['targetPort']) ?? 0) > 0) {
    c.error(at(path, 'targetPort'), 'targetPort has no effect on gateway servers; remove it');
    ok = false;
  }
  if ((asString(port['name']) ?? '') === '') {
    c.error(at(path, 'name'), 'a server port needs a name');
    ok = false;
  }
  return ok;
}

function checkBind(c: Collector, path: string, bind: string, port: Mapping | undefined): void {
  if (bind.startsWith(UNIX)) {
    const problem = unixSocketProblem(bind.slice(UNIX.length));
    if (problem) c.error(at(path, 'bind'), problem);
    const n = asNumber(port?.['number']) ?? 0;
    if (port && n !== 0) c.error(at(at(path, 'port'), 'number'), 'a server bound to a unix socket must use port number 0');
  } else if (bind !== '' && !isIP(bind)) {
    c.error(at(path, 'bind'), `"${bind}" is not an IP address (or unix:// socket)`);
  }
}

/** HTTPS/TLS need TLS settings; plain HTTP may only carry a passthrough/redirect block; others none. */
function checkTlsForProtocol(c: Collector, path: string, protocol: string, tls: Mapping | undefined): void {
  if (isTLSProtocol(protocol)) {
    if (!tls) c.error(at(path, 'tls'), `${protocol.toUpperCase()} servers need tls settings (for example mode SIMPLE with a credentialName)`);
    return;
  }
  if (!tls) return;
  if (!isHTTPProtocol(protocol)) {
    c.error(at(path, 'tls'), `${protocol.toUpperCase()} servers do not use TLS; remove tls or use protocol HTTPS or TLS`);
    return;
  }
  const mode = asString(tls['mode']) ?? 'PASSTHROUGH';
  const passthrough = mode === 'PASSTHROUGH' || mode === 'AUTO_PASSTHROUGH';
  const certs = ['caCertificates', 'privateKey', 'serverCertificate'].some((k) => (asString(tls[k]) ?? '') !== '');
  if (!passthrough || certs) {
    c.error(at(path, 'tls'), `plain-text ${protocol.toUpperCase()} servers cannot terminate TLS; use protocol HTTPS, or keep only httpsRedirect`);
  }
}

function checkServer(c: Collector, path: string, s: Mapping, semantics: boolean): void {
  const hosts = asArray(s['hosts']);
  if (Array.isArray(s['hosts']) && hosts.length === 0) c.error(at(path, 'hosts'), 'a server needs at least one host (use "*" for all)');
  hosts.forEach((raw, i) => {
    const host = asString(raw);
    if (host === undefined) return;
    const problems = semantics && host.startsWith('~/') ? [] : namespacedHostProblems(host, { gateway: true });
    for (const problem of problems) c.error(at(at(path, 'hosts'), i), problem);
  });
  const bind = asString(s['bind']) ?? '';
  const port = asMapping(s['port']);
  const portOk = checkServerPort(c, at(path, 'port'), port, bind);
  checkBind(c, path, bind, port);
  checkServerTls(c, at(path, 'tls'), s['tls']);
  if (portOk) checkTlsForProtocol(c, path, asString(port?.['protocol']) ?? '', asMapping(s['tls']));
}

function checkPortNames(c: Collector, servers: unknown[]): void {
  const names = new Map<string, number>();
  servers.forEach((raw, i) => {
    const s = asMapping(raw);
    const port = asMapping(s?.['port']);
    if (!s || !port) return;
    const name = asString(port['name']) ?? '';
    const first = names.get(name);
    if (first !== undefined) c.error(`spec.servers[${i}].port.name`, `port name "${name}" is already used by spec.servers[${first}]; server port names must be unique`);
    else names.set(name, i);
    const protocol = asString(port['protocol']) ?? '';
    if (!isHTTPProtocol(protocol) && asMapping(s['tls'])?.['httpsRedirect'] === true) {
      c.warn(`spec.servers[${i}].tls.httpsRedirect only makes sense on HTTP servers`);
    }
  });
}

function rules({ c, spec, name, annotations }: SpecContext): void {
  const semantics = hasGatewaySemantics(annotations, 'internal.istio.io/gateway-semantics');
  if (name !== '' && !isLabel(name) && !semantics) {
    c.error('metadata.name', `gateway name "${name}" must be a DNS label (no dots), because VirtualServices refer to it as namespace/name`);
  }
  const servers = asArray(spec['servers']);
  if (servers.length === 0) c.error('spec.servers', 'a gateway needs at least one server');
  servers.forEach((raw, i) => {
    const s = asMapping(raw);
    if (s) checkServer(c, `spec.servers[${i}]`, s, semantics);
    else c.error(`spec.servers[${i}]`, 'a server may not be null');
  });
  checkPortNames(c, servers);
}

export const validateGateway = istioKind({ rules });
