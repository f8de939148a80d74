// The one place configuration is defined: every setting with its flag, environment variable,
// default and meaning. Config is built once at start-up from (lowest to highest precedence)
// defaults, a config file, environment variables and flags, validated with zod and frozen.
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { durationMillis } from './lib/duration.js';

const bool = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);
const int = (min: number, max: number): z.ZodType<number> => z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(min).max(max);

const listen = z.string().refine((v) => listenProblem(v) === undefined, { error: (issue) => listenProblem(String(issue.input)) ?? '' });

/** Why a listen address is not HOST:PORT with a port up to 65535 (one reason, never two); port 0 picks a free one. */
export function listenProblem(value: string): string | undefined {
  if (!/^(\[[0-9a-fA-F:.]+\]|[^:\s[\]]*):\d{1,5}$/.test(value)) return `must be HOST:PORT, e.g. 0.0.0.0:9443, 127.0.0.1:9443 or :9443; got "${value}"`;
  const port = Number(value.slice(value.lastIndexOf(':') + 1));
  if (port > 65535) return `the port must be at most 65535; got ${port}`;
  return undefined;
}

/** meshgate's certificate lifetimes may be given in days ("365d") as well as Go units. */
const DAYS = { days: true } as const;
const duration = (min: string, max: string): z.ZodType<number, string> =>
  z.string().transform((v, ctx) => {
    const ms = durationMillis(v, DAYS);
    if (ms === undefined) ctx.addIssue({ code: 'custom', message: `must be a duration such as 90s, 15m, 720h or 365d, got "${v}"` });
    else if (ms < (durationMillis(min, DAYS) ?? 0) || ms > (durationMillis(max, DAYS) ?? 0)) ctx.addIssue({ code: 'custom', message: `must be from ${min} to ${max}` });
    return ms ?? 0;
  });

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** KEY=VALUE settings, given as a list or comma-separated (istiod's environment variables). */
const envList = z
  .union([
    z.array(z.string()),
    z.string().transform((v) =>
      v
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x !== ''),
    ),
    z.record(z.string(), z.string()),
  ])
  .transform((v, ctx): Record<string, string> => {
    if (!Array.isArray(v)) return v;
    const out: Record<string, string> = {};
    for (const p of v) {
      const i = p.indexOf('=');
      if (i <= 0) ctx.addIssue({ code: 'custom', message: `"${p}" is not KEY=VALUE (e.g. COMPLIANCE_POLICY=fips-140-3)` });
      else out[p.slice(0, i)] = p.slice(i + 1);
    }
    return out;
  });
const objectName = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a Kubernetes object name (lower-case letters, digits, - and .)')
  .max(253);
const sanList = z
  .union([
    z.array(z.string()),
    z.string().transform((v) =>
      v
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x !== ''),
    ),
  ])
  .pipe(z.array(z.string().regex(/^[A-Za-z0-9*.:-]+$/, 'must be DNS names or IP addresses, separated by commas')));

/** `auto` decides from the kubelet versions of the cluster's Nodes, as Istio does. */
const nativeMode = z
  .union([z.boolean().transform((v) => (v ? 'true' : 'false')), z.enum(['auto', 'true', 'false'], { error: 'must be auto, true or false' })])
  .transform((v) => v as 'auto' | 'true' | 'false');
const tagList = z
  .union([
    z.array(z.string()),
    z.string().transform((v) =>
      v
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x !== ''),
    ),
  ])
  .pipe(z.array(z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be revision tag names (DNS labels), separated by commas')));

export const configSchema = z.strictObject({
  listen: listen.default('0.0.0.0:9443'),
  metricsListen: z.union([z.literal(''), listen]).default(''),
  tlsCertFile: z.string().min(1).default('/etc/meshgate/certs/tls.crt'),
  tlsKeyFile: z.string().min(1).default('/etc/meshgate/certs/tls.key'),
  tlsMinVersion: z
    .enum(['1.2', '1.3', 'TLSv1.2', 'TLSv1.3'], { error: 'must be 1.2 or 1.3' })
    .transform((v) => (v.startsWith('TLS') ? v : `TLSv${v}`) as 'TLSv1.2' | 'TLSv1.3')
    .default('TLSv1.2'),
  bodyLimitBytes: int(1024, 64 * 1024 * 1024).default(7 * 1024 * 1024),
  requestTimeoutMs: int(100, 300_000).default(15_000),
  headersTimeoutMs: int(100, 300_000).default(10_000),
  keepAliveTimeoutMs: int(100, 600_000).default(90_000),
  maxInFlightBytes: int(0, 4096 * 1024 * 1024).default(0),
  maxInFlight: int(1, 10_000).default(64),
  queueTimeoutMs: int(0, 60_000).default(1000),
  shutdownDelayMs: int(0, 120_000).default(0),
  shutdownGraceMs: int(0, 300_000).default(25_000),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  valuesFile: z.string().optional(),
  meshFile: z.string().optional(),
  templatesDir: z.string().optional(),
  extraTemplatesDir: z.string().optional(),
  nativeSidecars: nativeMode.default('auto'),
  revision: z
    .string()
    .regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?)?$/, 'must be empty or a DNS label such as canary')
    .default(''),
  revisionTags: tagList.default([]),
  dev: bool.default(false),
  cluster: bool.default(false),
  namespace: z.string().regex(dnsLabel, 'must be a namespace name (a DNS label)').default('meshgate-system'),
  kubeconfig: z.string().min(1).optional(),
  secretName: objectName.default('meshgate-certs'),
  serviceName: z.string().regex(dnsLabel, 'must be a Service name (a DNS label)').default('meshgate'),
  certExtraSans: sanList.default([]),
  certDir: z.string().min(1).default('/var/run/meshgate/certs'),
  certValidity: duration('1m', '87600h').prefault('8760h'),
  caValidity: duration('1m', '876000h').prefault('87600h'),
  rotateAt: z.coerce
    .number({ error: 'must be a number' })
    .gt(0, 'must be above 0')
    .max(0.95, 'must be at most 0.95')
    .default(2 / 3),
  mutatingWebhookName: objectName.default('meshgate-sidecar-injector'),
  validatingWebhookName: z.union([z.literal(''), objectName]).default('meshgate-validator'),
  probeNamespace: z.string().regex(dnsLabel, 'must be a namespace name (a DNS label)').default('default'),
  injectorConfigFile: z.string().optional(),
  controlPlaneEnv: envList.default({}),
  istioNamespace: z.string().regex(dnsLabel, 'must be a namespace name (a DNS label)').default('istio-system'),
  injectorConfigMap: objectName.optional(),
  meshConfigMap: objectName.optional(),
  leaseName: objectName.default('meshgate-leader'),
  certManagement: z.enum(['builtin', 'external'], { error: 'must be builtin or external' }).default('builtin'),
  validatingFailClosed: bool.default(true),
  events: bool.default(false),
  ownerDeployment: objectName.optional(),
  admissionEvents: bool.default(true),
  apiTimeoutMs: int(1_000, 120_000).default(15_000),
  analysisWarnings: bool.default(true),
  fieldValidation: z.enum(['Strict', 'Warn', 'Ignore'], { error: 'must be Strict, Warn or Ignore' }).default('Strict'),
  regexCheck: z.enum(['deny', 'warn'], { error: 'must be deny or warn' }).default('deny'),
  crds: z
    .union([
      z.array(z.string().min(1)),
      z.string().transform((v) =>
        v
          .split(',')
          .map((x) => x.trim())
          .filter((x) => x !== ''),
      ),
    ])
    .default([]),
});

export type Config = Readonly<z.infer<typeof configSchema>>;
export type SettingName = keyof z.input<typeof configSchema>;

interface Setting {
  readonly flag: string;
  readonly env: string;
  readonly help: string;
}

/** Flag and environment names of every setting, and what it means (used by `serve --help`). */
export const SETTINGS: Readonly<Record<SettingName, Setting>> = {
  listen: { flag: 'listen', env: 'MESHGATE_LISTEN', help: 'address to serve HTTPS on, HOST:PORT (default 0.0.0.0:9443)' },
  metricsListen: {
    flag: 'metrics-listen',
    env: 'MESHGATE_METRICS_LISTEN',
    help: 'address to serve GET /metrics on in plain HTTP for Prometheus, HOST:PORT (default: off; /metrics is always on the HTTPS port too)',
  },
  tlsCertFile: { flag: 'tls-cert', env: 'MESHGATE_TLS_CERT', help: 'serving certificate (PEM); reloaded when the file changes' },
  tlsKeyFile: { flag: 'tls-key', env: 'MESHGATE_TLS_KEY', help: 'private key of the serving certificate (PEM); reloaded with it' },
  tlsMinVersion: { flag: 'tls-min-version', env: 'MESHGATE_TLS_MIN_VERSION', help: 'lowest TLS version accepted: 1.2 (default) or 1.3' },
  bodyLimitBytes: { flag: 'body-limit', env: 'MESHGATE_BODY_LIMIT', help: 'largest request body in bytes (default 7340032 = 7 MiB)' },
  requestTimeoutMs: { flag: 'request-timeout-ms', env: 'MESHGATE_REQUEST_TIMEOUT_MS', help: 'time allowed to receive a whole request (default 15000)' },
  headersTimeoutMs: { flag: 'headers-timeout-ms', env: 'MESHGATE_HEADERS_TIMEOUT_MS', help: 'time allowed to receive request headers (default 10000)' },
  keepAliveTimeoutMs: { flag: 'keep-alive-timeout-ms', env: 'MESHGATE_KEEP_ALIVE_TIMEOUT_MS', help: 'idle keep-alive connection lifetime (default 90000)' },
  maxInFlightBytes: {
    flag: 'max-inflight-bytes',
    env: 'MESHGATE_MAX_INFLIGHT_BYTES',
    help: "bytes of admission request bodies in flight at once (by Content-Length, before the body is read); beyond it a request waits up to --queue-timeout-ms, then is answered 429 with Retry-After (default 0: an eighth of the heap's old generation, --max-old-space-size, and at most a sixteenth of the container memory limit; 16 MiB for the Deployment's 128)",
  },
  maxInFlight: { flag: 'max-inflight', env: 'MESHGATE_MAX_INFLIGHT', help: 'admission requests in flight at once; as many more may wait (default 64)' },
  queueTimeoutMs: {
    flag: 'queue-timeout-ms',
    env: 'MESHGATE_QUEUE_TIMEOUT_MS',
    help: 'longest wait for room under the in-flight limits before a request is answered 429 (default 1000; 0 answers at once)',
  },
  shutdownDelayMs: { flag: 'shutdown-delay-ms', env: 'MESHGATE_SHUTDOWN_DELAY_MS', help: 'on SIGTERM, time between readiness going false and the listener closing (default 0)' },
  shutdownGraceMs: { flag: 'shutdown-grace-ms', env: 'MESHGATE_SHUTDOWN_GRACE_MS', help: 'on SIGTERM, longest wait for in-flight requests (default 25000)' },
  logLevel: { flag: 'log-level', env: 'MESHGATE_LOG_LEVEL', help: 'fatal, error, warn, info (default), debug, trace or silent' },
  valuesFile: { flag: 'values', env: 'MESHGATE_VALUES', help: "Istio injector `values` (JSON or YAML), merged over Istio's chart defaults" },
  meshFile: { flag: 'mesh', env: 'MESHGATE_MESH', help: 'Istio MeshConfig (JSON or YAML), merged over the defaults' },
  templatesDir: { flag: 'templates', env: 'MESHGATE_TEMPLATES', help: "directory of the built-in injection templates (default: the package's templates/)" },
  extraTemplatesDir: { flag: 'extra-templates', env: 'MESHGATE_EXTRA_TEMPLATES', help: 'directory of additional named templates (<name>.yaml); a built-in name is replaced' },
  nativeSidecars: {
    flag: 'native-sidecars',
    env: 'MESHGATE_NATIVE_SIDECARS',
    help: "istio-proxy as a Kubernetes native sidecar (an init container with restartPolicy Always): auto (default: in cluster mode, on when the Pod's Node, or every Node, runs kubelet 1.33 or newer, as Istio decides; without a cluster, on), true or false; ENABLE_NATIVE_SIDECARS=true|false in --control-plane-env takes precedence, as in istiod",
  },
  revision: { flag: 'revision', env: 'MESHGATE_REVISION', help: 'the control-plane revision this injector serves ("" = default)' },
  revisionTags: {
    flag: 'revision-tags',
    env: 'MESHGATE_REVISION_TAGS',
    help: "revision tags that point at this revision, comma-separated; their Pods get this revision's configuration (cluster mode: its ConfigMaps in --istio-namespace) (meshgate manifests --tag NAME renders their webhook configurations meshgate-revision-tag-NAME; cluster mode keeps their CA bundle)",
  },
  dev: { flag: 'dev', env: 'MESHGATE_DEV', help: 'development mode: 127.0.0.1:9443 and certificates generated into ./certs when absent' },
  cluster: { flag: 'cluster', env: 'MESHGATE_CLUSTER', help: 'cluster mode: certificates, webhook CA bundles and injection configuration managed through the Kubernetes API' },
  namespace: { flag: 'namespace', env: 'MESHGATE_NAMESPACE', help: "cluster mode: meshgate's namespace (default: the pod's, else meshgate-system)" },
  kubeconfig: { flag: 'kubeconfig', env: 'MESHGATE_KUBECONFIG', help: 'cluster mode: kubeconfig file (default: the in-cluster service account)' },
  secretName: { flag: 'secret-name', env: 'MESHGATE_SECRET_NAME', help: 'cluster mode: Secret holding the CA and serving certificate (default meshgate-certs)' },
  serviceName: { flag: 'service-name', env: 'MESHGATE_SERVICE_NAME', help: 'cluster mode: Service the certificate is issued for, <name>.<namespace>.svc (default meshgate)' },
  certExtraSans: { flag: 'cert-extra-sans', env: 'MESHGATE_CERT_EXTRA_SANS', help: 'cluster mode: more DNS names or IP addresses for the serving certificate, comma-separated' },
  certDir: { flag: 'cert-dir', env: 'MESHGATE_CERT_DIR', help: 'cluster mode: writable directory the serving certificate is written to and reloaded from' },
  certValidity: { flag: 'cert-validity', env: 'MESHGATE_CERT_VALIDITY', help: 'cluster mode: lifetime of serving certificates (default 8760h)' },
  caValidity: { flag: 'ca-validity', env: 'MESHGATE_CA_VALIDITY', help: 'cluster mode: lifetime of the CA (default 87600h)' },
  rotateAt: { flag: 'rotate-at', env: 'MESHGATE_ROTATE_AT', help: "cluster mode: fraction of a certificate's lifetime after which it is renewed (default 0.667)" },
  mutatingWebhookName: {
    flag: 'mutating-webhook-name',
    env: 'MESHGATE_MUTATING_WEBHOOK_NAME',
    help: 'cluster mode: MutatingWebhookConfiguration whose CA bundle meshgate keeps (default meshgate-sidecar-injector)',
  },
  validatingWebhookName: {
    flag: 'validating-webhook-name',
    env: 'MESHGATE_VALIDATING_WEBHOOK_NAME',
    help: 'cluster mode: ValidatingWebhookConfiguration whose CA bundle and failure policy meshgate keeps ("" = none)',
  },
  probeNamespace: {
    flag: 'probe-namespace',
    env: 'MESHGATE_PROBE_NAMESPACE',
    help: 'cluster mode: namespace of the dry-run probe that proves the validating webhook (default default)',
  },
  injectorConfigFile: {
    flag: 'injector-config',
    env: 'MESHGATE_INJECTOR_CONFIG',
    help: "Istio's injector config document or the whole istio-sidecar-injector ConfigMap (its Go templates replace the built-in ones)",
  },
  controlPlaneEnv: {
    flag: 'control-plane-env',
    env: 'MESHGATE_CONTROL_PLANE_ENV',
    help: 'istiod environment settings that change injection, KEY=VALUE, repeatable or comma-separated (e.g. COMPLIANCE_POLICY=fips-140-3)',
  },
  istioNamespace: { flag: 'istio-namespace', env: 'MESHGATE_ISTIO_NAMESPACE', help: "cluster mode: namespace of Istio's ConfigMaps (default istio-system)" },
  injectorConfigMap: {
    flag: 'injector-configmap',
    env: 'MESHGATE_INJECTOR_CONFIGMAP',
    help: 'cluster mode: ConfigMap with `config`, `values` and `meshgate-templates` (default istio-sidecar-injector, -<revision> for a revision)',
  },
  meshConfigMap: {
    flag: 'mesh-configmap',
    env: 'MESHGATE_MESH_CONFIGMAP',
    help: 'cluster mode: ConfigMap with the MeshConfig under `mesh` (default istio, -<revision> for a revision)',
  },
  leaseName: { flag: 'lease-name', env: 'MESHGATE_LEASE_NAME', help: 'cluster mode: Lease that elects the replica which writes Secrets and webhook configurations' },
  certManagement: {
    flag: 'cert-management',
    env: 'MESHGATE_CERT_MANAGEMENT',
    help: "cluster mode: builtin (default: meshgate makes, rotates and publishes its certificate) or external (cert-manager or another issuer writes the Secret, tls.crt/tls.key/ca.crt, and the webhooks' caBundle; meshgate only serves it)",
  },
  validatingFailClosed: {
    flag: 'validating-fail-closed',
    env: 'MESHGATE_VALIDATING_FAIL_CLOSED',
    help: 'cluster mode: switch the validating webhook to failurePolicy Fail once the dry-run probe proves it (default true); false leaves the installed policy alone',
  },
  events: {
    flag: 'events',
    env: 'MESHGATE_EVENTS',
    help: "cluster mode: record Kubernetes Events (leadership, certificate changes, failing closed) in meshgate's namespace, and rejected injection configuration on Istio's ConfigMap in --istio-namespace (default false; needs create and patch on events in both: a repeated Event is patched)",
  },
  ownerDeployment: {
    flag: 'owner-deployment',
    env: 'MESHGATE_OWNER_DEPLOYMENT',
    help: 'cluster mode: Deployment (in --namespace) that owns the Secret and Leases meshgate creates, so deleting it removes them (default: none)',
  },
  admissionEvents: {
    flag: 'admission-events',
    env: 'MESHGATE_ADMISSION_EVENTS',
    help: 'cluster mode: record Kubernetes Events, besides those of --events, for Pods not injected though their namespace or labels ask for it, for denied Pods and for denied objects, on the workload or object a person applied, in its namespace (default true; needs create/patch on events cluster-wide and get on replicasets and jobs)',
  },
  fieldValidation: {
    flag: 'field-validation',
    env: 'MESHGATE_FIELD_VALIDATION',
    help: 'fields the CRD schema does not know: Strict (default, an error, as kubectl apply), Warn or Ignore',
  },
  regexCheck: { flag: 'regex-check', env: 'MESHGATE_REGEX_CHECK', help: 'meshgate rule re2-regex (Gateway API regular expressions must be RE2): deny (default) or warn' },
  crds: {
    flag: 'crds',
    env: 'MESHGATE_CRDS',
    help: "CRD files or directories to validate against instead of the bundled ones, comma-separated (cluster mode: the cluster's CRDs)",
  },
  apiTimeoutMs: {
    flag: 'api-timeout-ms',
    env: 'MESHGATE_API_TIMEOUT_MS',
    help: "cluster mode: longest wait for one Kubernetes API call before it is abandoned and retried (default 15000; above the webhooks' 10 s timeout, which the dry-run probe can wait for)",
  },
  analysisWarnings: {
    flag: 'analysis-warnings',
    env: 'MESHGATE_ANALYSIS_WARNINGS',
    help: 'cluster mode: check objects being applied against the cluster (meshgate analyze) and return what it finds as admission warnings, never denials: true (default) or false',
  },
};

/** A configuration that cannot be used; the message names the setting and its sources. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export interface ConfigSources {
  /** Parsed flags, keyed by flag name (`tls-cert`), as strings or booleans (a repeatable flag: strings). */
  readonly flags: Readonly<Record<string, string | boolean | readonly string[] | undefined>>;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Contents of --config / MESHGATE_CONFIG, keyed by setting name. */
  readonly file?: Readonly<Record<string, unknown>>;
  /** The pod's namespace (service-account namespace file), the default of `namespace`. */
  readonly podNamespace?: string;
}

function layer(sources: ConfigSources): Record<string, unknown> {
  const raw: Record<string, unknown> = { ...(sources.file ?? {}) };
  for (const [name, s] of Object.entries(SETTINGS)) {
    const fromEnv = sources.env[s.env];
    if (fromEnv !== undefined && fromEnv !== '') raw[name] = fromEnv;
    const fromFlag = sources.flags[s.flag];
    if (fromFlag !== undefined) raw[name] = fromFlag;
  }
  if (sources.podNamespace) raw['namespace'] ??= sources.podNamespace;
  if (raw['dev'] === true || raw['dev'] === 'true') {
    raw['listen'] ??= '127.0.0.1:9443';
    raw['tlsCertFile'] ??= 'certs/tls.crt';
    raw['tlsKeyFile'] ??= 'certs/tls.key';
  }
  return raw;
}

function describe(name: string): string {
  const s = SETTINGS[name as SettingName];
  return s ? `${name} (--${s.flag} / ${s.env})` : name;
}

export function buildConfig(sources: ConfigSources): Config {
  const result = configSchema.safeParse(layer(sources));
  if (!result.success) {
    const lines = result.error.issues.map((i) => {
      const name = String(i.path[0] ?? '');
      const message = i.code === 'unrecognized_keys' ? `unknown setting(s) ${i.keys.join(', ')}` : i.message;
      return name ? `${describe(name)}: ${message}` : message;
    });
    throw new ConfigError(lines.length === 1 ? `invalid configuration: ${lines[0] ?? ''}` : `invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  return Object.freeze(result.data);
}

/** Reads a config file (YAML or JSON) whose keys are setting names. */
export async function readConfigFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`config file ${path}: ${(e as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text, { logLevel: 'error' });
  } catch (e) {
    throw new ConfigError(`config file ${path} is not valid YAML or JSON: ${(e as Error).message}`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new ConfigError(`config file ${path} must hold a mapping of setting names to values`);
  return doc as Record<string, unknown>;
}

export function splitListen(value: string): { host: string; port: number } {
  const i = value.lastIndexOf(':');
  const host = value.slice(0, i).replace(/^\[|\]$/g, '');
  return { host: host === '' ? '0.0.0.0' : host, port: Number(value.slice(i + 1)) };
}
