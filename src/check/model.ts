// What `meshgate check` reads from a cluster, as plain data: every webhook entry (with its
// configuration's labels), the Services and endpoints behind meshgate's entries, what each
// endpoint serves, the certificate Secret, the leader and heartbeat Leases, Namespaces and Pods.
// The checks (webhooks.ts, overlap.ts, injection.ts) are pure functions of this snapshot.
import type { Json } from '../lib/json.js';
import { parseSelector, type LabelSelector } from '../inject/decide/selectors.js';

export interface ClientConfig {
  readonly url?: string;
  readonly service?: { readonly namespace: string; readonly name: string; readonly path?: string; readonly port?: number };
  /** PEM, decoded from the base64 caBundle ('' when absent). */
  readonly caBundle: string;
}

export interface Entry {
  readonly kind: 'mutating' | 'validating';
  readonly configuration: string;
  readonly configLabels: Readonly<Record<string, string>>;
  readonly name: string;
  readonly failurePolicy: string;
  readonly reinvocationPolicy: string;
  readonly namespaceSelector: LabelSelector;
  readonly objectSelector: LabelSelector;
  /** The entry is called for Pod creations (rules cover CREATE of v1 pods). */
  readonly podCreate: boolean;
  readonly clientConfig: ClientConfig;
  readonly matchConditions: number;
}

export interface Probe {
  /** The answer to GET /readyz: an HTTP status, or why there was none. */
  readonly readyz?: number;
  readonly error?: string;
  /** The certificate chain served in the TLS handshake (leaf first), PEM. */
  readonly chain: readonly string[];
}

export interface ServiceState {
  readonly exists: boolean;
  readonly ready: number;
  readonly notReady: number;
}

export interface LeaseState {
  readonly name: string;
  readonly holder: string;
  readonly renewTime?: Date;
  readonly durationSeconds: number;
  /** Heartbeats: the SHA-256 of the certificate the replica serves. */
  readonly serving?: string;
}

export interface PodState {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly hostNetwork: boolean;
  readonly phase: string;
  readonly owner?: string;
}

export interface Snapshot {
  readonly now: Date;
  readonly meshgateNamespace: string;
  readonly names: { readonly mutating: string; readonly validating: string; readonly secret: string; readonly lease: string };
  readonly entries: readonly Entry[];
  /** Keyed by `namespace/name`. */
  readonly services: Readonly<Record<string, ServiceState>>;
  /** Keyed by the endpoint (the URL's origin, or `service namespace/name:port`). */
  readonly probes: Readonly<Record<string, Probe>>;
  /** meshgate's certificate Secret: the serving certificate (PEM), or why it could not be read. */
  readonly secret: { readonly cert?: string; readonly error?: string };
  readonly leader?: LeaseState;
  readonly heartbeats: readonly LeaseState[];
  readonly namespaces: readonly { readonly name: string; readonly labels: Readonly<Record<string, string>> }[];
  readonly pods: readonly PodState[];
  /** What could not be read (forbidden, unreachable), said once each. */
  readonly problems: readonly string[];
}

export type Status = 'ok' | 'info' | 'warning' | 'error';

export interface Finding {
  readonly check: string;
  readonly status: Status;
  readonly subject: string;
  readonly message: string;
}

/** Entries whose name marks them as meshgate's injector or validator. */
export const isMeshgate = (e: Pick<Entry, 'name'>): boolean => e.name.endsWith('.meshgate.io');
/** Istio's injector entries (istiod's own configuration and its revision tags). */
export const isIstioInjector = (e: Pick<Entry, 'name'>): boolean => e.name.endsWith('sidecar-injector.istio.io');
export const isMeshgateInjector = (e: Pick<Entry, 'name'>): boolean => e.name.endsWith('sidecar-injector.meshgate.io');

/**
 * The revision an injector entry injects for, and the tag it selects by: a tag's own
 * configuration is labelled istio.io/tag (istioctl tag set, meshgate manifests --tag); the
 * chart's revisionTags put entries named rev.*.tag-<tag>.sidecar-injector.meshgate.io into the
 * revision's configuration.
 */
export function revisionOf(e: Pick<Entry, 'configLabels' | 'name'>): { revision: string; tag?: string } {
  const inline = /\.tag-([a-z0-9](?:[-a-z0-9]*[a-z0-9])?)\.sidecar-injector\.meshgate\.io$/.exec(e.name)?.[1];
  const tag = inline ?? e.configLabels['istio.io/tag'];
  return { revision: e.configLabels['istio.io/rev'] || 'default', ...(tag ? { tag } : {}) };
}

export const entryId = (e: Pick<Entry, 'configuration' | 'name'>): string => `${e.configuration}/${e.name}`;

type Raw = Record<string, unknown>;
const obj = (v: unknown): Raw => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Raw) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const text = (v: unknown): string => (typeof v === 'string' ? v : '');

function selector(raw: unknown): LabelSelector {
  const parsed = raw === undefined || raw === null ? { requirements: [] } : parseSelector(raw as Json);
  return typeof parsed === 'string' ? { requirements: [{ key: '(unreadable selector)', operator: 'Exists', values: [] }] } : parsed;
}

function coversPodCreate(rules: unknown): boolean {
  const has = (values: unknown, want: string): boolean => list(values).some((v) => v === want || v === '*');
  return list(rules).some((r) => {
    const rule = obj(r);
    return (
      has(rule['operations'], 'CREATE') &&
      has(rule['apiGroups'], '') &&
      has(rule['apiVersions'], 'v1') &&
      list(rule['resources']).some((x) => x === 'pods' || x === '*' || x === '*/*')
    );
  });
}

function clientConfigOf(raw: unknown): ClientConfig {
  const c = obj(raw);
  const svc = obj(c['service']);
  const caBundle = text(c['caBundle']) ? Buffer.from(text(c['caBundle']), 'base64').toString('utf8') : '';
  const service = text(svc['name'])
    ? {
        service: {
          namespace: text(svc['namespace']),
          name: text(svc['name']),
          ...(text(svc['path']) ? { path: text(svc['path']) } : {}),
          port: typeof svc['port'] === 'number' ? svc['port'] : 443,
        },
      }
    : {};
  return { ...(text(c['url']) ? { url: text(c['url']) } : {}), ...service, caBundle };
}

/** The entries of a MutatingWebhookConfiguration or ValidatingWebhookConfiguration as read from the API. */
export function entriesOf(kind: 'mutating' | 'validating', config: unknown): Entry[] {
  const c = obj(config);
  const md = obj(c['metadata']);
  const labels = Object.fromEntries(Object.entries(obj(md['labels'])).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
  return list(c['webhooks']).map((w) => {
    const e = obj(w);
    return {
      kind,
      configuration: text(md['name']),
      configLabels: labels,
      name: text(e['name']),
      failurePolicy: text(e['failurePolicy']) || 'Fail',
      reinvocationPolicy: text(e['reinvocationPolicy']) || 'Never',
      namespaceSelector: selector(e['namespaceSelector']),
      objectSelector: selector(e['objectSelector']),
      podCreate: kind === 'mutating' && coversPodCreate(e['rules']),
      clientConfig: clientConfigOf(e['clientConfig']),
      matchConditions: list(e['matchConditions']).length,
    };
  });
}

/** Where an entry sends requests: the URL's origin, or the Service and port. */
export function endpointOf(c: ClientConfig): string {
  if (c.url) {
    try {
      return new URL(c.url).origin;
    } catch {
      return c.url;
    }
  }
  return c.service ? `service ${c.service.namespace}/${c.service.name}:${c.service.port ?? 443}` : '(no client config)';
}
