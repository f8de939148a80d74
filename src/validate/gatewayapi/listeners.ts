// Listeners, as Gateway and ListenerSet declare them: their schema and the rules the CRDs state
// in CEL (TLS per protocol, hostnames, unique names and port/protocol/hostname combinations).
import { z } from 'zod';
import { at, type Collector } from '../issues.js';
import { isIP } from '../common/net.js';
import { asObject, type JsonObject } from '../common/values.js';
import { boundedList } from '../common/zod-report.js';
import { annotationValue, boundedMap, group, hostname, kind, labelSelector, portNumber, protocolType, secretObjectRef, sectionName } from './types.js';
import { eachDuplicate, entries, GATEWAY_GROUP, has, rel, str, type Entry } from './common.js';
import { checkAnnotationKeys } from './maps.js';

const listenerTLS = z.strictObject({
  mode: z.enum(['Terminate', 'Passthrough']).optional(),
  certificateRefs: boundedList(secretObjectRef, 64).optional(),
  options: boundedMap(annotationValue, 16).optional(),
});

const allowedRoutes = z.strictObject({
  namespaces: z.strictObject({ from: z.enum(['All', 'Selector', 'Same']).optional(), selector: labelSelector.optional() }).optional(),
  kinds: boundedList(z.strictObject({ group: group.optional(), kind }), 8).optional(),
});

export const listener = z.strictObject({
  name: sectionName,
  hostname: hostname.optional(),
  port: portNumber,
  protocol: protocolType,
  tls: listenerTLS.optional(),
  allowedRoutes: allowedRoutes.optional(),
});

export const listenerList = boundedList(listener, 64, 1);

const NO_TLS = new Set(['HTTP', 'TCP', 'UDP']);
const NO_HOSTNAME = new Set(['TCP', 'UDP']);

/** Every rule on a list of listeners, rooted at `path` (`spec.listeners`). */
export function checkListeners(list: unknown, path: string, c: Collector): void {
  const items = entries(list, path);
  for (const l of items) checkListener(l, c);
  eachDuplicate(items, (l) => str(l.o, 'name'), (later, first) => {
    c.error(at(later.path, 'name'), `${rel(first.path)} already has the name "${str(later.o, 'name')}"; listener names must be unique`);
  });
  eachDuplicate(items, distinctKey, (later, first) => {
    c.error(later.path, `${rel(first.path)} already listens on port ${String(later.o['port'])} with protocol ${str(later.o, 'protocol')} and the same hostname; each listener needs its own combination`);
  });
}

function distinctKey(l: Entry): string | undefined {
  if (l.o['port'] === undefined || str(l.o, 'protocol') === undefined) return undefined;
  return JSON.stringify([l.o['port'], str(l.o, 'protocol'), has(l.o, 'hostname') ? (str(l.o, 'hostname') ?? null) : false]);
}

function checkListener(l: Entry, c: Collector): void {
  const protocol = str(l.o, 'protocol') ?? '';
  const tls = asObject(l.o['tls']);
  const hostnameValue = str(l.o, 'hostname');
  if (NO_TLS.has(protocol) && has(l.o, 'tls')) {
    c.error(at(l.path, 'tls'), `${protocol} listeners do not handle TLS; remove tls (only HTTPS and TLS listeners take it)`);
  }
  if (NO_HOSTNAME.has(protocol) && hostnameValue) {
    c.error(at(l.path, 'hostname'), `${protocol} listeners cannot match on hostname (there is no SNI or Host header); remove it`);
  }
  if (hostnameValue !== undefined && isIP(hostnameValue)) {
    c.warn(`${at(l.path, 'hostname')}: an IP address never matches; listener hostnames are DNS names`);
  }
  if (protocol === 'HTTPS') checkHTTPS(l, tls, c);
  if (protocol === 'TLS' && (!tls || str(tls, 'mode') === '')) {
    c.error(at(l.path, 'tls'), 'a TLS listener needs tls with a mode: Passthrough to forward the encrypted stream, Terminate to decrypt it');
  }
  if (tls && !NO_TLS.has(protocol)) checkTLS(tls, at(l.path, 'tls'), c);
  checkAllowedRoutes(asObject(l.o['allowedRoutes']), at(l.path, 'allowedRoutes'), protocol, c);
}

function checkHTTPS(l: Entry, tls: JsonObject | undefined, c: Collector): void {
  if (!tls) {
    c.warn(`${at(l.path, 'tls')}: HTTPS without tls works only if the implementation supplies certificates`);
    return;
  }
  const mode = str(tls, 'mode');
  // Values outside the enum are reported by the structure layer.
  if (mode === 'Passthrough') {
    c.error(at(at(l.path, 'tls'), 'mode'), `an HTTPS listener always terminates TLS, so mode must be Terminate; for ${mode} use protocol TLS`);
  }
}

function checkTLS(tls: JsonObject, path: string, c: Collector): void {
  const mode = str(tls, 'mode') ?? 'Terminate';
  const certs = Array.isArray(tls['certificateRefs']) ? tls['certificateRefs'].length : 0;
  const options = Object.keys(asObject(tls['options']) ?? {}).length;
  if (mode === 'Terminate' && certs === 0 && options === 0) {
    c.error(at(path, 'certificateRefs'), 'terminating TLS needs a certificate: add a certificateRefs entry (or implementation options that provide one)');
  }
  checkAnnotationKeys(tls['options'], at(path, 'options'), 'option', c);
}

// Which of the Gateway API's own route kinds each core protocol can serve.
const ROUTE_KINDS: Readonly<Record<string, readonly string[]>> = {
  HTTP: ['HTTPRoute', 'GRPCRoute'],
  HTTPS: ['HTTPRoute', 'GRPCRoute'],
  TLS: ['TLSRoute', 'TCPRoute'],
  TCP: ['TCPRoute'],
  UDP: ['UDPRoute'],
};
const ALL_ROUTE_KINDS = new Set(Object.values(ROUTE_KINDS).flat());

function checkRouteKinds(list: unknown, path: string, protocol: string, c: Collector): void {
  const served = ROUTE_KINDS[protocol];
  if (!served) return;
  for (const k of entries(list, path)) {
    const kindName = str(k.o, 'kind') ?? '';
    const own = (str(k.o, 'group') ?? GATEWAY_GROUP) === GATEWAY_GROUP;
    if (own && ALL_ROUTE_KINDS.has(kindName) && !served.includes(kindName)) {
      c.warn(`${at(k.path, 'kind')}: ${kindName}s cannot attach to ${protocol} listeners`);
    }
  }
}

function checkAllowedRoutes(ar: JsonObject | undefined, path: string, protocol: string, c: Collector): void {
  checkRouteKinds(ar?.['kinds'], at(path, 'kinds'), protocol, c);
  const ns = asObject(ar?.['namespaces']);
  if (!ns) return;
  const from = str(ns, 'from') ?? 'Same';
  if (from === 'Selector' && !has(ns, 'selector')) {
    c.warn(`${at(at(path, 'namespaces'), 'selector')}: from is Selector but no selector is set`);
  }
  if (from !== 'Selector' && has(ns, 'selector')) {
    c.warn(`${at(at(path, 'namespaces'), 'selector')}: ignored because from is ${from}, not Selector`);
  }
}
