// Traffic policies (DestinationRule, and connection pools in Sidecar): connection pools,
// outlier detection, load balancing (with locality and zone-aware failover), TLS, tunnels.
import { fqdnProblem } from '../common/hosts.js';
import { isIP } from '../common/net.js';
import { portNumberProblem } from '../common/ports.js';
import { checkClientTls } from '../common/tls.js';
import { asArray, asNumber, asMapping, asString, type Mapping } from '../../lib/json.js';
import { at, type Collector } from '../issues.js';
import { checkLocality, checkZoneAware } from './locality.js';
import { isSet, nonEmptyList } from './route-parts.js';

const NON_NEGATIVE_HTTP = ['http1MaxPendingRequests', 'http2MaxRequests', 'maxRequestsPerConnection', 'maxRetries', 'maxConcurrentStreams'];

export function checkConnectionPool(c: Collector, path: string, value: unknown): void {
  const pool = asMapping(value);
  if (!pool) return;
  const http = asMapping(pool['http']);
  const tcp = asMapping(pool['tcp']);
  if (!http && !tcp) {
    c.error(path, 'a connection pool needs tcp or http settings');
    return;
  }
  for (const key of NON_NEGATIVE_HTTP) {
    const n = asNumber(http?.[key]) ?? 0;
    if (n < 0) c.error(at(at(path, 'http'), key), `${key} must not be negative`);
  }
  if (http && asString(http['h2UpgradePolicy']) === 'UPGRADE' && http['useClientProtocol'] === true) {
    c.error(at(at(path, 'http'), 'useClientProtocol'), 'useClientProtocol keeps the client protocol, which contradicts h2UpgradePolicy UPGRADE');
  }
  if ((asNumber(tcp?.['maxConnections']) ?? 0) < 0) c.error(at(at(path, 'tcp'), 'maxConnections'), 'maxConnections must not be negative');
  const keepAlive = asMapping(http?.['http2KeepAlive']);
  for (const key of ['interval', 'timeout']) {
    if (keepAlive && !isSet(keepAlive[key])) c.error(at(at(at(path, 'http'), 'http2KeepAlive'), key), `HTTP/2 keepalive needs ${key === 'interval' ? 'an interval' : 'a timeout'}`);
  }
}

function percentProblem(n: number): string | undefined {
  return n < 0 || n > 100 ? `${n} is not a percentage; use 0-100` : undefined;
}

export function checkOutlierDetection(c: Collector, path: string, value: unknown): void {
  const od = asMapping(value);
  if (!od) return;
  if ((asNumber(od['consecutiveErrors']) ?? 0) !== 0) {
    c.warn(`${path}.consecutiveErrors is deprecated; use consecutive5xxErrors`);
  }
  if (od['splitExternalLocalOriginErrors'] !== true && (asNumber(od['consecutiveLocalOriginFailures']) ?? 0) > 0) {
    c.error(at(path, 'consecutiveLocalOriginFailures'), 'counting local-origin failures needs splitExternalLocalOriginErrors: true');
  }
  for (const key of ['maxEjectionPercent', 'minHealthPercent']) {
    const problem = percentProblem(asNumber(od[key]) ?? 0);
    if (problem) c.error(at(path, key), problem);
  }
}

/** Envoy's own primality test for Maglev table sizes. */
function isPrime(x: number): boolean {
  if (x !== 0 && x < 4) return true;
  if (x % 2 === 0) return false;
  const limit = Math.floor(Math.sqrt(x));
  for (let f = 3; f <= limit; f += 2) if (x % f === 0) return false;
  return true;
}

function exclusive(c: Collector, path: string, o: Mapping, keys: readonly string[]): void {
  const set = keys.filter((k) => isSet(o[k]));
  if (set.length > 1) c.error(path, `set only one of ${keys.join(', ')}; ${set.join(' and ')} are set`);
}

function checkCookie(c: Collector, path: string, cookie: Mapping): void {
  if (asString(cookie['name']) === '') c.error(at(path, 'name'), 'the hashing cookie needs a name');
  const names = new Set<string>();
  asArray(cookie['attributes']).forEach((raw, i) => {
    const name = asString(asMapping(raw)?.['name']) ?? '';
    const where = at(at(at(path, 'attributes'), i), 'name');
    if (name === '') c.error(where, 'a cookie attribute needs a name');
    else if (names.has(name)) c.error(where, `cookie attribute "${name}" is listed twice`);
    names.add(name);
  });
}

function checkConsistentHash(c: Collector, path: string, ch: Mapping): void {
  exclusive(c, path, ch, ['httpHeaderName', 'httpCookie', 'useSourceIp', 'httpQueryParameterName']);
  exclusive(c, path, ch, ['ringHash', 'maglev']);
  const cookie = asMapping(ch['httpCookie']);
  if (cookie) checkCookie(c, at(path, 'httpCookie'), cookie);
  if ((asNumber(ch['minimumRingSize']) ?? 0) !== 0) {
    c.warn(`${path}.minimumRingSize is deprecated; use ringHash.minimumRingSize`);
    if (isSet(ch['ringHash']) || isSet(ch['maglev'])) c.error(at(path, 'minimumRingSize'), 'set either minimumRingSize or ringHash/maglev, not both');
  }
  const maglev = asMapping(ch['maglev']);
  if (!maglev) return;
  const size = asNumber(maglev['tableSize']) ?? 0;
  const where = at(at(path, 'maglev'), 'tableSize');
  if (size === 0) c.error(where, 'maglev needs a tableSize (a prime number such as 65537)');
  if (size >= 5000011) c.error(where, 'maglev tableSize must be less than 5000011');
  if (!isPrime(size)) c.error(where, `maglev tableSize ${size} must be a prime number, such as 65537`);
}

export function checkLoadBalancer(c: Collector, path: string, value: unknown, outlier: unknown): void {
  const lb = asMapping(value);
  if (!lb) return;
  exclusive(c, path, lb, ['simple', 'consistentHash']);
  const ch = asMapping(lb['consistentHash']);
  if (ch) checkConsistentHash(c, at(path, 'consistentHash'), ch);
  if (isSet(lb['localityLbSetting']) && isSet(lb['zoneAwareLbSetting'])) {
    c.error(at(path, 'zoneAwareLbSetting'), 'set either localityLbSetting or zoneAwareLbSetting, not both');
  }
  checkLocality(c, at(path, 'localityLbSetting'), lb['localityLbSetting'], isSet(outlier));
  checkZoneAware(c, at(path, 'zoneAwareLbSetting'), lb['zoneAwareLbSetting'], isSet(outlier));
  if (isSet(lb['warmupDurationSecs'])) c.warn(`${path}.warmupDurationSecs is deprecated; use warmup.duration`);
  // Any positive aggression is accepted (1 is linear); 0 or less would never ramp up.
  const aggression = asNumber(asMapping(lb['warmup'])?.['aggression']);
  if (aggression !== undefined && aggression <= 0) {
    c.error(at(at(path, 'warmup'), 'aggression'), `warmup aggression must be greater than 0; got ${aggression}`);
  }
}

function checkTunnel(c: Collector, path: string, value: unknown): void {
  const tunnel = asMapping(value);
  if (!tunnel) return;
  const protocol = asString(tunnel['protocol']) ?? '';
  if (protocol !== '' && protocol !== 'CONNECT' && protocol !== 'POST') c.error(at(path, 'protocol'), `tunnel protocol must be CONNECT or POST, not "${protocol}"`);
  const host = asString(tunnel['targetHost']);
  if (host !== undefined && fqdnProblem(host) && !isIP(host)) c.error(at(path, 'targetHost'), `"${host}" is neither a valid host name nor an IP address`);
  const port = asNumber(tunnel['targetPort']);
  const problem = port === undefined ? undefined : portNumberProblem(port);
  if (problem) c.error(at(path, 'targetPort'), problem);
}

const POLICY_PARTS = ['outlierDetection', 'connectionPool', 'loadBalancer', 'tls'];

function checkPolicyParts(c: Collector, path: string, tp: Mapping, namespace: string): void {
  checkOutlierDetection(c, at(path, 'outlierDetection'), tp['outlierDetection']);
  checkConnectionPool(c, at(path, 'connectionPool'), tp['connectionPool']);
  checkLoadBalancer(c, at(path, 'loadBalancer'), tp['loadBalancer'], tp['outlierDetection']);
  checkClientTls(c, at(path, 'tls'), tp['tls'], namespace);
}

function checkPortLevel(c: Collector, path: string, value: unknown, namespace: string): void {
  asArray(value).forEach((raw, i) => {
    const where = at(path, i);
    const pl = asMapping(raw);
    if (!pl) return c.error(where, 'a port-level policy may not be null');
    if (!isSet(pl['port'])) c.error(at(where, 'port'), 'a port-level policy needs the port it applies to');
    if (!POLICY_PARTS.some((k) => isSet(pl[k]))) {
      return c.error(where, 'a port-level policy needs at least one of outlierDetection, connectionPool, loadBalancer or tls');
    }
    checkPolicyParts(c, where, pl, namespace);
  });
}

/** A DestinationRule traffic policy (top level or per subset). */
export function checkTrafficPolicy(c: Collector, path: string, value: unknown, namespace: string): void {
  const tp = asMapping(value);
  if (!tp) return;
  // portLevelSettings is a list: istiod counts an empty one as not set.
  if (![...POLICY_PARTS, 'tunnel', 'proxyProtocol'].some((k) => isSet(tp[k])) && !nonEmptyList(tp['portLevelSettings'])) {
    c.error(path, 'a traffic policy needs at least one setting');
    return;
  }
  if (isSet(tp['tunnel']) && isSet(tp['proxyProtocol'])) {
    c.error(at(path, 'proxyProtocol'), 'set either tunnel or proxyProtocol, not both');
    return;
  }
  checkPolicyParts(c, path, tp, namespace);
  checkPortLevel(c, at(path, 'portLevelSettings'), tp['portLevelSettings'], namespace);
  checkTunnel(c, at(path, 'tunnel'), tp['tunnel']);
}
