// Configuration: Istio `values` deep-merged over the chart defaults (an explicit null removes a
// default), MeshConfig applied the way Istio applies it, then every setting the injector reads
// is checked once here so that a bad file fails at load time with the setting's name.
import { defaultMesh, defaultValues, IGNORED_NAMESPACES } from './defaults.js';
import { InjectorConfigError } from '../errors.js';
import { clone, isObject, own, setOwn, stringMap, type Json, type JsonObject } from '../../lib/json.js';
import { parseSelector, type LabelSelector } from '../decide/selectors.js';
import { checkCidrList, checkCidrListOrStar, checkPort, checkPortList, checkPortListOrStar } from './syntax.js';

export type Policy = 'enabled' | 'disabled';

export interface InjectorConfig {
  readonly values: JsonObject;
  readonly mesh: JsonObject;
  readonly revision: string;
  readonly revisionTags: readonly string[];
  readonly nativeSidecars: boolean;
  readonly policy: Policy;
  readonly defaultTemplates: readonly string[];
  readonly aliases: Readonly<Record<string, readonly string[]>>;
  readonly alwaysInjectSelector: readonly LabelSelector[];
  readonly neverInjectSelector: readonly LabelSelector[];
  readonly injectedAnnotations: Readonly<Record<string, string>>;
  readonly rewriteAppHTTPProbe: boolean;
  readonly enableNamespacesByDefault: boolean;
  readonly ignoredNamespaces: readonly string[];
  readonly compliancePolicy: string;
  /** istiod's environment settings that change injection, as given (COMPLIANCE_POLICY, …). */
  readonly controlPlaneEnv: Readonly<Record<string, string>>;
  /** `values.global.platform`: "openshift" takes the proxy's user and group from the Namespace. */
  readonly platform: string;
}

/** Deep merge where objects merge key by key, anything else replaces, and null removes. */
export function mergeValues(base: JsonObject, overlay: JsonObject): JsonObject {
  const out: JsonObject = { ...base };
  for (const [k, v] of Object.entries(overlay)) {
    if (v === null) delete out[k];
    else if (isObject(v) && isObject(own(out, k))) setOwn(out, k, mergeValues(out[k] as JsonObject, v));
    else setOwn(out, k, clone(v));
  }
  return out;
}

/** Istio's ApplyMeshConfig: top-level fields replace, defaultConfig merges field by field. */
export function applyMesh(base: JsonObject, overlay: JsonObject): JsonObject {
  const out: JsonObject = { ...base, ...clone(overlay) };
  if (isObject(overlay['defaultConfig'])) {
    const pc = { ...(base['defaultConfig'] as JsonObject), ...clone(overlay['defaultConfig']) };
    const meta = { ...stringMap((base['defaultConfig'] as JsonObject)?.['proxyMetadata']), ...stringMap(overlay['defaultConfig']['proxyMetadata']) };
    if (Object.keys(meta).length > 0) pc['proxyMetadata'] = meta;
    out['defaultConfig'] = pc;
  }
  if (Array.isArray(overlay['extensionProviders'])) {
    out['extensionProviders'] = mergeByName(base['extensionProviders'], overlay['extensionProviders']);
  }
  return out;
}

function mergeByName(base: Json | undefined, overlay: Json[]): Json[] {
  const out = Array.isArray(base) ? [...base] : [];
  for (const p of overlay) {
    const i = out.findIndex((b) => isObject(b) && isObject(p) && b['name'] === p['name']);
    if (i >= 0) out[i] = clone(p);
    else out.push(clone(p));
  }
  return out;
}

type Check = (v: unknown) => string | undefined;

const isString: Check = (v) => (typeof v === 'string' ? undefined : 'must be a string');
const isBool: Check = (v) => (typeof v === 'boolean' ? undefined : 'must be true or false');
const isMap: Check = (v) => (isObject(v) ? undefined : 'must be an object');
const isList: Check = (v) => (Array.isArray(v) ? undefined : 'must be a list');
const isScalar: Check = (v) => (['string', 'number'].includes(typeof v) ? undefined : 'must be a string or a number');
const isStringMap: Check = (v) => (isObject(v) && Object.values(v).every((x) => typeof x === 'string') ? undefined : 'must map names to strings');
const isStringList: Check = (v) => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? undefined : 'must be a list of strings');
const oneOf =
  (...allowed: string[]): Check =>
  (v) =>
    allowed.includes(v as string) ? undefined : `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${JSON.stringify(v)}`;
const uint =
  (max: number): Check =>
  (v) => {
    const n = typeof v === 'string' && /^[0-9]+$/.test(v) ? Number(v) : v;
    return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= max ? undefined : `must be an integer from 0 to ${max}, got ${JSON.stringify(v)}`;
  };
const text =
  (f: (s: string) => string | undefined): Check =>
  (v) =>
    typeof v === 'string' ? f(v) : 'must be a string';
const port: Check = (v) => (typeof v === 'number' || typeof v === 'string' ? checkPort(String(v)) : 'must be a port number');
const pullSecrets: Check = (v) =>
  Array.isArray(v) && v.every((x) => typeof x === 'string' || (isObject(x) && typeof x['name'] === 'string')) ? undefined : 'must be a list of secret names';
const selectors: Check = (v) => {
  if (!Array.isArray(v)) return 'must be a list of label selectors';
  for (const s of v) {
    const r = parseSelector(s);
    if (typeof r === 'string') return r;
  }
  return undefined;
};
const templatesMap: Check = (v) => (isObject(v) && Object.values(v).every((x) => typeof x === 'string') ? undefined : 'must map template names to template text');
const aliasMap: Check = (v) => (isObject(v) && Object.values(v).every((x) => isStringList(x) === undefined) ? undefined : 'must map alias names to lists of template names');

/** Every values setting the injector reads, with its check; absent settings are not checked. */
const VALUES_RULES: ReadonlyArray<readonly [string, Check]> = [
  ['global', isMap],
  ['global.hub', isString],
  ['global.tag', isScalar],
  ['global.variant', isString],
  ['global.imagePullPolicy', oneOf('', 'Always', 'IfNotPresent', 'Never')],
  ['global.imagePullSecrets', pullSecrets],
  ['global.platform', isString],
  ['global.istioNamespace', isString],
  ['global.caAddress', isString],
  ['global.caName', isString],
  ['global.pilotCertProvider', isString],
  ['global.meshID', isString],
  ['global.network', isString],
  ['global.multiCluster.clusterName', isString],
  ['global.logAsJson', isBool],
  ['global.logging.level', isString],
  ['global.mountMtlsCerts', isBool],
  ['global.nativeNftables', isBool],
  ['global.sds.token.aud', isString],
  ['global.proxy', isMap],
  ['global.proxy.autoInject', oneOf('enabled', 'disabled')],
  ['global.proxy.image', isString],
  ['global.proxy.clusterDomain', isString],
  ['global.proxy.logLevel', isString],
  ['global.proxy.componentLogLevel', isString],
  ['global.proxy.statusPort', port],
  ['global.proxy.includeIPRanges', text(checkCidrListOrStar)],
  ['global.proxy.excludeIPRanges', text(checkCidrList)],
  ['global.proxy.includeInboundPorts', text(checkPortListOrStar)],
  ['global.proxy.excludeInboundPorts', text(checkPortList)],
  ['global.proxy.excludeOutboundPorts', text(checkPortList)],
  ['global.proxy.includeOutboundPorts', isString],
  ['global.proxy.readinessInitialDelaySeconds', uint(4294967295)],
  ['global.proxy.readinessPeriodSeconds', uint(4294967295)],
  ['global.proxy.readinessFailureThreshold', uint(4294967295)],
  ['global.proxy.resources', isMap],
  ['global.proxy.lifecycle', isMap],
  ['global.proxy.privileged', isBool],
  ['global.proxy.holdApplicationUntilProxyStarts', isBool],
  ['global.proxy.startupProbe.enabled', isBool],
  ['global.proxy.startupProbe.failureThreshold', uint(4294967295)],
  ['global.proxy.tracer', isString],
  ['global.proxy_init.image', isString],
  ['global.proxy_init.forceApplyIptables', isBool],
  ['pilot.cni.enabled', isBool],
  ['pilot.cni.provider', isString],
  ['pilot.env', isMap],
  ['gateways.securityContext', isMap],
  ['revision', isString],
  ['sidecarInjectorWebhook.defaultTemplates', isStringList],
  ['sidecarInjectorWebhook.templates', templatesMap],
  ['sidecarInjectorWebhook.aliases', aliasMap],
  ['sidecarInjectorWebhook.alwaysInjectSelector', selectors],
  ['sidecarInjectorWebhook.neverInjectSelector', selectors],
  ['sidecarInjectorWebhook.injectedAnnotations', isStringMap],
  ['sidecarInjectorWebhook.rewriteAppHTTPProbe', isBool],
  ['sidecarInjectorWebhook.enableNamespacesByDefault', isBool],
];

const MESH_RULES: ReadonlyArray<readonly [string, Check]> = [
  ['trustDomain', isString],
  ['rootNamespace', isString],
  ['enablePrometheusMerge', isBool],
  ['proxyListenPort', port],
  ['proxyInboundListenPort', port],
  ['inboundTrafficPolicy.mode', oneOf('PASSTHROUGH', 'LOCALHOST')],
  ['extensionProviders', isList],
  ['defaultConfig', isMap],
  ['defaultConfig.interceptionMode', oneOf('REDIRECT', 'TPROXY', 'NONE')],
  ['defaultConfig.proxyMetadata', isStringMap],
  ['defaultConfig.statusPort', port],
  ['defaultConfig.discoveryAddress', isString],
  ['defaultConfig.holdApplicationUntilProxyStarts', isBool],
];

function lookup(root: JsonObject, path: string): unknown {
  let cur: unknown = root;
  for (const p of path.split('.')) cur = isObject(cur) ? cur[p] : undefined;
  return cur;
}

function checkAll(root: JsonObject, rules: ReadonlyArray<readonly [string, Check]>, prefix: string): void {
  for (const [path, check] of rules) {
    const v = lookup(root, path);
    if (v === undefined) continue;
    const problem = check(v);
    if (problem) throw new InjectorConfigError(`${prefix}.${path}`, problem);
  }
}

export interface ConfigInput {
  readonly values?: unknown;
  readonly mesh?: unknown;
  readonly revision: string;
  /** Revision tags that point at this revision (their Pods get this revision's injection). */
  readonly revisionTags?: readonly string[];
  readonly nativeSidecars: boolean;
  readonly compliancePolicy?: string;
  readonly controlPlaneEnv?: Readonly<Record<string, string>>;
  readonly ignoredNamespaces?: readonly string[];
}

/**
 * ENABLE_NATIVE_SIDECARS as istiod reads it: "true" and "false" decide; "auto" (istiod's
 * default, which asks the nodes' versions) and anything absent keep meshgate's own setting.
 */
function nativeFrom(env: Readonly<Record<string, string>>, fallback: boolean): boolean {
  const v = env['ENABLE_NATIVE_SIDECARS'];
  if (v === undefined || v === '' || v === 'auto') return fallback;
  return v === 'true';
}

function overlayOf(v: unknown, name: string): JsonObject {
  if (v === undefined || v === null) return {};
  if (!isObject(v)) throw new InjectorConfigError(name, 'must be an object (a YAML or JSON mapping)');
  return v;
}

/** Merges and checks the configuration; throws InjectorConfigError naming the bad setting. */
export function buildConfig(input: ConfigInput): InjectorConfig {
  const overlay = overlayOf(input.values, 'values');
  const values = mergeValues(defaultValues(), overlay);
  if (overlay['revision'] === undefined || overlay['revision'] === '') values['revision'] = input.revision;
  checkAll(values, VALUES_RULES, 'values');
  const istioNamespace = String(lookup(values, 'global.istioNamespace') ?? 'istio-system');
  const mesh = applyMesh(defaultMesh(input.revision, istioNamespace), overlayOf(input.mesh, 'mesh'));
  checkAll(mesh, MESH_RULES, 'mesh');
  const siw = (values['sidecarInjectorWebhook'] ?? {}) as JsonObject;
  const selectorList = (key: string): LabelSelector[] => ((siw[key] as Json[] | undefined) ?? []).map((s) => parseSelector(s) as LabelSelector);
  return {
    values,
    mesh,
    revision: input.revision,
    revisionTags: [...(input.revisionTags ?? [])],
    nativeSidecars: nativeFrom(input.controlPlaneEnv ?? {}, input.nativeSidecars),
    policy: (lookup(values, 'global.proxy.autoInject') as Policy | undefined) ?? 'enabled',
    defaultTemplates: ((siw['defaultTemplates'] as string[] | undefined) ?? []).length > 0 ? (siw['defaultTemplates'] as string[]) : ['sidecar'],
    aliases: (siw['aliases'] as Record<string, string[]> | undefined) ?? {},
    alwaysInjectSelector: selectorList('alwaysInjectSelector'),
    neverInjectSelector: selectorList('neverInjectSelector'),
    injectedAnnotations: stringMap(siw['injectedAnnotations']),
    rewriteAppHTTPProbe: siw['rewriteAppHTTPProbe'] !== false,
    enableNamespacesByDefault: siw['enableNamespacesByDefault'] === true,
    ignoredNamespaces: input.ignoredNamespaces ?? IGNORED_NAMESPACES,
    compliancePolicy: input.controlPlaneEnv?.['COMPLIANCE_POLICY'] ?? input.compliancePolicy ?? '',
    controlPlaneEnv: input.controlPlaneEnv ?? {},
    platform: String(lookup(values, 'global.platform') ?? ''),
  };
}
