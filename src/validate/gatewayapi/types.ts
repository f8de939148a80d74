// The Gateway API's scalar types and shared structures as zod schemas: the OpenAPI layer of
// the CRDs (types, required fields, enums, lengths, patterns, list sizes), written once and
// reused by every kind. Objects are strict so that unknown fields surface as warnings.
import { z } from 'zod';
import { boundedList } from '../common/zod-report.js';

const DNS_SUBDOMAIN = String.raw`[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*`;

export const HOSTNAME_RE = new RegExp(String.raw`^(\*\.)?${DNS_SUBDOMAIN}$`);
export const PRECISE_HOSTNAME_RE = new RegExp(`^${DNS_SUBDOMAIN}$`);
const GROUP_RE = new RegExp(`^$|^${DNS_SUBDOMAIN}$`);
const KIND_RE = /^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const NAMESPACE_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SECTION_NAME_RE = new RegExp(`^${DNS_SUBDOMAIN}$`);
const DOMAIN_PATH = String.raw`${DNS_SUBDOMAIN}\/[A-Za-z0-9\/\-._~%!$&'()*+,;=:]+`;
export const CONTROLLER_NAME_RE = new RegExp(`^${DOMAIN_PATH}$`);
// Mirrors the CRD exactly, including its unanchored middle alternatives.
const ADDRESS_TYPE_RE = new RegExp(`^Hostname|IPAddress|NamedAddress|${DOMAIN_PATH}$`);
const PROTOCOL_RE = new RegExp(String.raw`^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$|${DNS_SUBDOMAIN}\/[A-Za-z0-9]+$`);
export const HEADER_NAME_RE = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;
export const DURATION_RE = /^([0-9]{1,5}(h|m|s|ms)){1,4}$/;
export const URL_PATH_RE = /^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$/;
const CORS_ORIGIN_RE = /(^\*$)|(^(http(s)?):\/\/(((\*\.)?([a-zA-Z0-9-]+\.)*[a-zA-Z0-9-]+|\*)(:([0-9]{1,5}))?)$)/;
const ABSOLUTE_URI_RE = /^(([^:/?#]+):)(\/\/([^/?#]*))([^?#]*)(\?([^#]*))?(#(.*))?/;

const LOWER_DNS = 'lower-case letters, digits, "-" and "."';

// ---- scalars -------------------------------------------------------------------------------

export const objectName = z.string().min(1).max(253);
export const group = z.string().max(253).regex(GROUP_RE, `must be empty (the core API group) or a DNS subdomain of ${LOWER_DNS}, e.g. gateway.networking.k8s.io`);
export const kind = z.string().min(1).max(63).regex(KIND_RE, 'must be a Kubernetes kind: a letter followed by letters, digits or "-", e.g. Service');
export const namespace = z.string().min(1).max(63).regex(NAMESPACE_RE, 'must be a namespace name: lower-case letters, digits and "-" (no ".")');
export const sectionName = z.string().min(1).max(253).regex(SECTION_NAME_RE, `must consist of ${LOWER_DNS}, starting and ending with a letter or digit`);
export const portNumber = z.int().min(1).max(65535);
export const hostname = z
  .string()
  .min(1)
  .max(253)
  .regex(HOSTNAME_RE, `must be a lower-case DNS name, optionally starting with a "*." wildcard label (no ports, schemes or paths)`);
export const preciseHostname = z.string().min(1).max(253).regex(PRECISE_HOSTNAME_RE, 'must be a lower-case DNS name without wildcards, ports, schemes or paths');
export const headerName = z.string().min(1).max(256).regex(HEADER_NAME_RE, 'must be an HTTP header name: letters, digits and !#$%&\'*+-.^_`|~ only (no spaces, ":" or "/")');
export const duration = z.string().regex(DURATION_RE, 'must be a duration such as 10s, 500ms or 1h30m (1 to 4 parts of up to 5 digits with unit h, m, s or ms)');
export const controllerName = z.string().min(1).max(253).regex(CONTROLLER_NAME_RE, 'must be a domain-prefixed path such as example.com/gateway-controller');
export const addressType = z.string().min(1).max(253).regex(ADDRESS_TYPE_RE, 'must be IPAddress, Hostname, NamedAddress or a domain-prefixed type such as example.com/my-type');
export const protocolType = z.string().min(1).max(255).regex(PROTOCOL_RE, 'must be HTTP, HTTPS, TLS, TCP, UDP or a domain-prefixed protocol such as example.com/proto');
export const corsOrigin = z.string().min(1).max(253).regex(CORS_ORIGIN_RE, 'must be "*" or an origin like https://example.com, https://*.example.com or http://example.com:8080');
export const absoluteURI = z.string().min(1).max(253).regex(ABSOLUTE_URI_RE, 'must be an absolute URI with a scheme and an authority, e.g. spiffe://cluster.local/ns/a/sa/b');
export const annotationValue = z.string().max(4096);
export const labelValue = z.string().max(63);

/** A map with at most `max` entries; keys are checked by the semantic layer, which can name them. */
export function boundedMap<T extends z.ZodType>(value: T, max: number): z.ZodType {
  const size = (m: unknown): number => (m !== null && typeof m === 'object' ? Object.keys(m).length : 0);
  return z.record(z.string(), value).refine((m) => size(m) <= max, {
    when: () => true,
    error: (iss) => `must have at most ${max} entries; it has ${size(iss.input)}`,
  });
}

// ---- references ----------------------------------------------------------------------------

export const parentRef = z.strictObject({
  group: group.optional(),
  kind: kind.optional(),
  namespace: namespace.optional(),
  name: objectName,
  sectionName: sectionName.optional(),
  port: portNumber.optional(),
});

const backendObjectFields = {
  group: group.optional(),
  kind: kind.optional(),
  name: objectName,
  namespace: namespace.optional(),
  port: portNumber.optional(),
};
export const backendObjectRef = z.strictObject(backendObjectFields);
export const backendRef = z.strictObject({ ...backendObjectFields, weight: z.int().min(0).max(1_000_000).optional() });

export const secretObjectRef = z.strictObject({
  group: group.optional(),
  kind: kind.optional(),
  name: objectName,
  namespace: namespace.optional(),
});
export const localObjectRef = z.strictObject({ group, kind, name: objectName });
export const objectRef = z.strictObject({ group, kind, name: objectName, namespace: namespace.optional() });

export const labelSelector = z.strictObject({
  matchLabels: z.record(z.string(), z.string()).optional(),
  matchExpressions: z
    .array(
      z.strictObject({
        key: z.string().min(1),
        operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
        values: z.array(z.string()).optional(),
      }),
    )
    .optional(),
});

// ---- route pieces shared by several kinds --------------------------------------------------

export const commonRouteFields = {
  parentRefs: boundedList(parentRef, 32).optional(),
  useDefaultGateway: z.string().optional(),
};

export const fraction = z.strictObject({ numerator: z.int().min(0), denominator: z.int().min(1).optional() });

export const sessionPersistence = z.strictObject({
  sessionName: z.string().max(128).optional(),
  absoluteTimeout: duration.optional(),
  idleTimeout: duration.optional(),
  type: z.enum(['Cookie', 'Header']).optional(),
  cookieConfig: z.strictObject({ lifetimeType: z.enum(['Permanent', 'Session']).optional() }).optional(),
  // The newer per-type settings; only their presence and the cookie lifetime are checked.
  cookie: z.looseObject({ lifetimeType: z.enum(['Permanent', 'Session']).optional() }).optional(),
  header: z.looseObject({}).optional(),
});

export const headerMatchType = z.enum(['Exact', 'RegularExpression']);

const httpHeader = z.strictObject({ name: headerName, value: z.string().min(1).max(4096) });
export const headerModifier = z.strictObject({
  set: boundedList(httpHeader, 16).optional(),
  add: boundedList(httpHeader, 16).optional(),
  remove: boundedList(z.string(), 16).optional(),
});

export const requestMirror = z.strictObject({
  backendRef: backendObjectRef,
  percent: z.int().min(0).max(100).optional(),
  fraction: fraction.optional(),
});

/** A rule of a route whose rules only forward (TCPRoute, TLSRoute, UDPRoute). */
export const forwardingRule = z.strictObject({
  name: sectionName.optional(),
  backendRefs: boundedList(backendRef, 16, 1),
});
