// Gateway: listeners bound to addresses, plus infrastructure and (experimental) gateway-wide TLS.
import { z } from 'zod';
import { at, type Collector } from '../issues.js';
import { isIP } from '../common/net.js';
import { asObject, type JsonObject } from '../common/values.js';
import { boundedList } from '../common/zod-report.js';
import {
  addressType,
  annotationValue,
  boundedMap,
  group,
  HOSTNAME_RE,
  kind,
  labelSelector,
  labelValue,
  objectName,
  objectRef,
  portNumber,
  secretObjectRef,
} from './types.js';
import { eachDuplicate, entries, gatewayApiValidator, rel, str, type Entry } from './common.js';
import { checkListeners, listenerList } from './listeners.js';
import { checkAnnotationKeys, checkLabels } from './maps.js';

const address = z.strictObject({ type: addressType.optional(), value: z.string().max(253).optional() });

const infrastructure = z.strictObject({
  labels: boundedMap(labelValue, 8).optional(),
  annotations: boundedMap(annotationValue, 8).optional(),
  parametersRef: z.strictObject({ group, kind, name: z.string().min(1).max(253) }).optional(),
});

const tlsConfig = z.strictObject({
  validation: z
    .strictObject({
      caCertificateRefs: boundedList(objectRef, 8, 1),
      mode: z.enum(['AllowValidOnly', 'AllowInsecureFallback']).optional(),
    })
    .optional(),
});

const gatewayTLS = z.strictObject({
  backend: z.strictObject({ clientCertificateRef: secretObjectRef.optional() }).optional(),
  frontend: z
    .strictObject({
      default: tlsConfig,
      perPort: boundedList(z.strictObject({ port: portNumber, tls: tlsConfig }), 64).optional(),
    })
    .optional(),
});

const spec = z.strictObject({
  gatewayClassName: objectName,
  listeners: listenerList,
  addresses: boundedList(address, 16).optional(),
  infrastructure: infrastructure.optional(),
  allowedListeners: z
    .strictObject({
      namespaces: z
        .strictObject({ from: z.enum(['All', 'Selector', 'Same', 'None']).optional(), selector: labelSelector.optional() })
        .optional(),
    })
    .optional(),
  tls: gatewayTLS.optional(),
  defaultScope: z.string().optional(),
});

function rules(s: JsonObject, _ctx: unknown, c: Collector): void {
  checkListeners(s['listeners'], 'spec.listeners', c);
  checkAddresses(s['addresses'], 'spec.addresses', c);
  const infra = asObject(s['infrastructure']);
  checkLabels(infra?.['labels'], 'spec.infrastructure.labels', c);
  checkAnnotationKeys(infra?.['annotations'], 'spec.infrastructure.annotations', 'annotation', c, 'error');
  const perPort = asObject(asObject(s['tls'])?.['frontend'])?.['perPort'];
  eachDuplicate(entries(perPort, 'spec.tls.frontend.perPort'), (e) => portKey(e), (later, first) => {
    c.error(at(later.path, 'port'), `${rel(first.path)} already configures port ${String(later.o['port'])}; each port may appear once`);
  });
}

function portKey(e: Entry): string | undefined {
  return e.o['port'] === undefined ? undefined : String(e.o['port']);
}

/** The type defaults to IPAddress, so a bare value must be an IP; Hostname values must be DNS names. */
function checkAddresses(list: unknown, path: string, c: Collector): void {
  const items = entries(list, path);
  for (const a of items) {
    const type = str(a.o, 'type') ?? 'IPAddress';
    const value = str(a.o, 'value');
    if (type === 'NamedAddress') c.warn(`${at(a.path, 'type')}: NamedAddress is deprecated; use an implementation-specific domain-prefixed type`);
    if (!value) continue;
    if (type === 'IPAddress' && !isIP(value)) {
      c.error(at(a.path, 'value'), `"${value}" is not an IP address (IPAddress is the default type; set type: Hostname for a DNS name)`);
    }
    if (type === 'Hostname' && !HOSTNAME_RE.test(value)) {
      c.error(at(a.path, 'value'), `"${value}" is not a valid hostname: lower-case DNS labels, optionally starting with "*.", and no port`);
    }
  }
  const key = (a: Entry): string | undefined => {
    const type = str(a.o, 'type') ?? 'IPAddress';
    const value = str(a.o, 'value');
    return (type === 'IPAddress' || type === 'Hostname') && value ? `${type} ${value}` : undefined;
  };
  eachDuplicate(items, key, (later, first) => c.error(at(later.path, 'value'), `${rel(first.path)} already requests "${str(later.o, 'value')}"; addresses must be unique`));
}

export const validateGateway = gatewayApiValidator({ schema: () => spec, rules });
