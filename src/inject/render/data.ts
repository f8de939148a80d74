// TemplateData: the one object every selected template is rendered from (docs/templates.md).
// Raw inputs (pod, values, meshConfig, proxyConfig…) plus `istio`, the values Istio's rules
// derive from them, computed here once per Pod so templates stay declarative.
import type { InjectorConfig } from '../settings/config.js';
import { InjectionDenied } from '../errors.js';
import { resolveImages } from '../settings/images.js';
import { arrayAt, copyOf, isEmptyValue, isObject, objectAt, sprint, stringMap, type Json, type JsonObject } from '../../lib/json.js';
import { effectiveProxyConfig, proxyConfigEnv } from '../settings/proxyconfig.js';
import { canonicalQuantity, canonicalResources } from '../settings/syntax.js';
import { openshiftProxyIds } from './openshift.js';
import { excludeInboundPort } from './traffic.js';
import { ownerURI, type WorkloadMeta } from './workload.js';

export const PROXY = 'istio-proxy';

export interface TemplateData {
  readonly pod: JsonObject;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly deploymentMeta: { readonly name: string; readonly namespace: string };
  readonly typeMeta: { readonly kind: string; readonly apiVersion: string };
  readonly proxyConfig: JsonObject;
  readonly meshConfig: JsonObject;
  readonly values: JsonObject;
  readonly revision: string;
  readonly nativeSidecar: boolean;
  /** The injector's native-sidecar setting (Istio's .NativeSidecars), before the Pod's annotation. */
  readonly nativeSidecars: boolean;
  readonly proxyImage: string;
  readonly proxyInitImage: string;
  readonly proxyUID: number;
  readonly proxyGID: number;
  readonly inboundTrafficPolicyMode: 'passthrough' | 'localhost';
  readonly compliancePolicy: string;
  readonly istio: Derived;
}

export interface Derived {
  readonly interceptionMode: string;
  readonly statusPort: string;
  readonly excludeInboundPorts: string;
  readonly capNetBindService: boolean;
  readonly proxyRunsAsRoot: boolean;
  readonly appContainers: readonly string[];
  readonly defaultContainer: string;
  readonly canonicalName: string;
  readonly canonicalRevision: string;
  readonly hbone: boolean;
  readonly holdApplication: boolean;
  readonly proxyConfigJSON: string;
  readonly podPortsJSON: string;
  readonly resources: JsonObject;
  readonly workloadName: string;
  readonly owner: string;
  readonly meshID: string;
  readonly trustDomain: string;
  readonly caAddress: string;
  readonly clusterID: string;
  readonly otelResourceAttributes: string;
  readonly userVolumes: readonly JsonObject[];
  readonly userVolumeMounts: readonly JsonObject[];
  readonly datadogEnv: readonly JsonObject[];
  readonly lightstepCertDir: string;
}

/** Names of variables that depend only on configuration (templates fold them at load time). */
export const STATIC_VARIABLES = ['values', 'meshConfig', 'revision', 'compliancePolicy', 'proxyUID', 'proxyGID', 'inboundTrafficPolicyMode'] as const;

type StaticData = Pick<TemplateData, (typeof STATIC_VARIABLES)[number]>;

/** Everything derived from configuration alone, computed once per configuration. */
interface ConfigFacts {
  readonly scope: StaticData;
  /** The ProxyConfig of a Pod without a proxy.istio.io/config annotation, and its PROXY_CONFIG. */
  readonly proxyConfig: JsonObject;
  readonly proxyConfigJSON: string;
  readonly resources: JsonObject;
  readonly caAddress: string;
  readonly otel: boolean;
  readonly trustDomain: string;
  readonly meshID: string;
  readonly clusterID: string;
}

const facts = new WeakMap<InjectorConfig, ConfigFacts>();

function configFacts(config: InjectorConfig): ConfigFacts {
  let found = facts.get(config);
  if (!found) {
    const proxyConfig = effectiveProxyConfig(objectAt(config.mesh, 'defaultConfig'), undefined);
    const trustDomain = sprint(config.mesh['trustDomain']);
    found = {
      scope: buildStaticScope(config),
      proxyConfig,
      proxyConfigJSON: proxyConfigEnv(proxyConfig),
      resources: canonicalResources(omitNil(objectAt(config.values, 'global', 'proxy', 'resources')) as JsonObject),
      caAddress: caAddress(config.values),
      otel: arrayAt(config.mesh, 'extensionProviders').some((p) => objectAt(p, 'opentelemetry')['serviceAttributeEnrichment'] === 'OTEL_SEMANTIC_CONVENTIONS'),
      trustDomain,
      meshID: sprint(objectAt(config.values, 'global')['meshID']) || trustDomain,
      clusterID: sprint(objectAt(config.values, 'global', 'multiCluster')['clusterName']) || 'Kubernetes',
    };
    facts.set(config, found);
  }
  return found;
}

/** The configuration-only variables, computed once per configuration. */
export function staticScope(config: InjectorConfig): Readonly<Record<string, unknown>> {
  return configFacts(config).scope;
}

/** The Pod's effective ProxyConfig: shared when the Pod has no proxy.istio.io/config annotation. */
export function podProxyConfig(config: InjectorConfig, annotation: JsonObject | undefined): JsonObject {
  return annotation ? effectiveProxyConfig(objectAt(config.mesh, 'defaultConfig'), annotation) : configFacts(config).proxyConfig;
}

function buildStaticScope(config: InjectorConfig): StaticData {
  // On OpenShift the proxy's IDs come from the Pod's Namespace, so templates read them per Pod.
  if (config.platform === 'openshift') {
    const { proxyUID: _u, proxyGID: _g, ...rest } = buildCommonScope(config);
    return rest as StaticData;
  }
  return buildCommonScope(config);
}

function buildCommonScope(config: InjectorConfig): StaticData {
  return {
    values: config.values,
    meshConfig: config.mesh,
    revision: config.revision,
    compliancePolicy: config.compliancePolicy,
    proxyUID: 1337,
    proxyGID: 1337,
    inboundTrafficPolicyMode: trafficPolicyMode(config.mesh),
  };
}

function trafficPolicyMode(mesh: JsonObject): 'passthrough' | 'localhost' {
  return objectAt(mesh, 'inboundTrafficPolicy')['mode'] === 'LOCALHOST' ? 'localhost' : 'passthrough';
}

/** Canonical service name: label, app.kubernetes.io/name, app, workload; at most 63 characters. */
function canonicalName(labels: Readonly<Record<string, string>>, workload: string): string {
  const raw = labels['service.istio.io/canonical-name'] || labels['app.kubernetes.io/name'] || labels['app'] || workload;
  return raw.slice(0, 63).replace(/^[-_.]+|[-_.]+$/g, '');
}

function canonicalRevision(labels: Readonly<Record<string, string>>): string {
  return labels['service.istio.io/canonical-revision'] || labels['app.kubernetes.io/version'] || labels['version'] || 'latest';
}

const PORT_FIELDS = ['name', 'hostPort', 'containerPort', 'protocol', 'hostIP'];

/** ISTIO_META_POD_PORTS: every container port, one JSON object per line, as Istio prints it. */
function podPortsJSON(containers: readonly Json[]): string {
  const ports: string[] = [];
  for (const c of containers) {
    for (const p of arrayAt(c, 'ports')) {
      if (!isObject(p)) continue;
      const entry: JsonObject = {};
      for (const f of PORT_FIELDS) if ((p[f] !== undefined && !isEmptyValue(p[f])) || f === 'containerPort') entry[f] = p[f] ?? 0;
      ports.push(JSON.stringify(entry));
    }
  }
  return ports.length === 0 ? '[\n]' : `[\n    ${ports.join('\n    ,')}\n]`;
}

const RESOURCE_ANNOTATIONS: ReadonlyArray<readonly [string, 'requests' | 'limits', 'cpu' | 'memory']> = [
  ['sidecar.istio.io/proxyCPU', 'requests', 'cpu'],
  ['sidecar.istio.io/proxyMemory', 'requests', 'memory'],
  ['sidecar.istio.io/proxyCPULimit', 'limits', 'cpu'],
  ['sidecar.istio.io/proxyMemoryLimit', 'limits', 'memory'],
];

/** Recursively drops nulls (Istio's omitNil). */
function omitNil(v: Json): Json {
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = omitNil(x);
  return out;
}

/** Proxy resources: only the annotated fields when any resource annotation is set, else the values. */
function proxyResources(annotations: Readonly<Record<string, string>>, fromValues: JsonObject): JsonObject {
  const set = RESOURCE_ANNOTATIONS.filter(([a]) => a in annotations);
  if (set.length === 0) return fromValues;
  const out: Record<string, JsonObject> = {};
  for (const [a, group, resource] of set) (out[group] ??= {})[resource] = canonicalQuantity(annotations[a] as string);
  return out;
}

function jsonMapAnnotation(annotations: Readonly<Record<string, string>>, name: string): JsonObject {
  const text = annotations[name];
  if (text === undefined) return {};
  try {
    const v: unknown = JSON.parse(text);
    if (isObject(v)) return v;
  } catch {
    // reported below
  }
  throw new InjectionDenied('invalid_annotation', `annotation ${name}: ${JSON.stringify(text)} is not a JSON object`);
}

/**
 * The entries of a user volume or mount annotation, as Istio's templates range over its JSON: an
 * object gives one entry per key (sorted, the key as the name), an array one per element (its
 * index as the name), null none; an entry's own `name` wins. Anything else denies the Pod.
 */
function userEntries(annotations: Readonly<Record<string, string>>, name: string): JsonObject[] {
  const text = annotations[name] ?? 'null';
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new InjectionDenied('invalid_annotation', `annotation ${name}: ${JSON.stringify(text)} is not JSON`);
  }
  if (v === null) return [];
  const entries: [string, unknown][] = Array.isArray(v)
    ? v.map((e, i) => [String(i), e])
    : isObject(v)
      ? Object.keys(v)
          .sort()
          .map((k) => [k, v[k]])
      : [];
  if (!Array.isArray(v) && !isObject(v)) throw new InjectionDenied('invalid_annotation', `annotation ${name}: ${JSON.stringify(text)} is neither a JSON object nor an array`);
  return entries.map(([key, e]) => {
    if (!isObject(e)) throw new InjectionDenied('invalid_annotation', `annotation ${name}: entry ${JSON.stringify(key)} is not a JSON object`);
    return { name: key, ...e };
  });
}

function datadogEnv(values: JsonObject, annotations: Readonly<Record<string, string>>): JsonObject[] {
  if (objectAt(values, 'global', 'proxy')['tracer'] !== 'datadog') return [];
  const env = jsonMapAnnotation(annotations, 'apm.datadoghq.com/env');
  return Object.keys(env)
    .sort()
    .map((name) => ({ name, value: sprint(env[name]) }));
}

/** OTEL_RESOURCE_ATTRIBUTES, when an OpenTelemetry provider asks for semantic-convention enrichment. */
function otelAttributes(wanted: boolean, annotations: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>, ns: string, container: string): string {
  if (!wanted) return '';
  const attr = (k: string): string | undefined => annotations[`resource.opentelemetry.io/${k}`];
  const pairs: [string, string | undefined][] = [
    ['service.namespace', attr('service.namespace') ?? ns],
    ['service.version', attr('service.version') ?? labels['app.kubernetes.io/version']],
    ['service.instance.id', attr('service.instance.id') ?? `${ns}.$(POD_NAME).${container}`],
  ];
  return pairs
    .filter(([, v]) => v)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

function caAddress(values: JsonObject): string {
  const global = objectAt(values, 'global');
  if (global['caAddress']) return sprint(global['caAddress']);
  const rev = sprint(values['revision']);
  return `istiod${rev ? `-${rev}` : ''}.${sprint(global['istioNamespace'])}.svc:15012`;
}

function lightstepCertDir(values: JsonObject, proxyConfig: JsonObject): string {
  const ca = sprint(objectAt(proxyConfig, 'tracing', 'tlsSettings')['caCertificates']);
  if (objectAt(values, 'global', 'proxy')['tracer'] !== 'lightstep' || !ca) return '';
  return ca.includes('/') ? ca.slice(0, ca.lastIndexOf('/')) || '/' : '.';
}

export interface DataInput {
  readonly config: InjectorConfig;
  /** The Pod as templates see it: previous injection stripped, namespace filled. */
  readonly pod: JsonObject;
  readonly workload: WorkloadMeta;
  readonly proxyConfig: JsonObject;
  readonly nativeSidecar: boolean;
  readonly namespaceAnnotations?: Readonly<Record<string, string>>;
}

function derive(input: DataInput, labels: Record<string, string>, annotations: Record<string, string>, containers: Json[]): Derived {
  const { config, workload, proxyConfig } = input;
  const known = configFacts(config);
  const proxyValues = objectAt(config.values, 'global', 'proxy');
  const appContainers = containers.map((c) => sprint(objectAt(c)['name'])).filter((n) => n !== PROXY);
  const interceptionMode = annotations['sidecar.istio.io/interceptionMode'] ?? (sprint(proxyConfig['interceptionMode']) || 'REDIRECT');
  const statusPort = annotations['status.sidecar.istio.io/port'] ?? sprint(proxyValues['statusPort']);
  const capNetBindService = (annotations['sidecar.istio.io/capNetBindService'] ?? sprint(proxyValues['capNetBindService'])) === 'true';
  return withUserVolumes(annotations, {
    interceptionMode,
    statusPort,
    excludeInboundPorts: excludeInboundPort(statusPort, annotations['traffic.sidecar.istio.io/excludeInboundPorts'] ?? sprint(proxyValues['excludeInboundPorts'])),
    capNetBindService,
    proxyRunsAsRoot: interceptionMode === 'TPROXY' || capNetBindService,
    appContainers,
    defaultContainer: appContainers[0] ?? '',
    canonicalName: canonicalName(labels, workload.name),
    canonicalRevision: canonicalRevision(labels),
    hbone: stringMap(proxyConfig['proxyMetadata'])['ISTIO_META_ENABLE_HBONE'] === 'true',
    holdApplication: proxyConfig['holdApplicationUntilProxyStarts'] === true || proxyValues['holdApplicationUntilProxyStarts'] === true,
    proxyConfigJSON: proxyConfig === known.proxyConfig ? known.proxyConfigJSON : proxyConfigEnv(proxyConfig),
    podPortsJSON: podPortsJSON(containers),
    resources: proxyResources(annotations, known.resources),
    workloadName: labels['service.istio.io/workload-name'] || workload.name,
    owner: ownerURI(workload),
    meshID: known.meshID,
    trustDomain: known.trustDomain,
    caAddress: known.caAddress,
    clusterID: known.clusterID,
    otelResourceAttributes: otelAttributes(known.otel, annotations, labels, workload.namespace || 'default', appContainers[0] ?? ''),
    userVolumes: [],
    userVolumeMounts: [],
    datadogEnv: datadogEnv(config.values, annotations),
    lightstepCertDir: lightstepCertDir(config.values, proxyConfig),
  });
}

/**
 * The user volumes and mounts, read from their JSON annotations only when a template uses them:
 * as in Istio, bad JSON denies a Pod whose templates read it (sidecar, grpc-agent) and is
 * ignored by the others (gateway, grpc-simple).
 */
function withUserVolumes(annotations: Readonly<Record<string, string>>, derived: Derived): Derived {
  const lazy = (key: 'userVolumes' | 'userVolumeMounts', annotation: string): void => {
    if (annotations[annotation] === undefined) return;
    let cached: readonly JsonObject[] | undefined;
    Object.defineProperty(derived, key, { enumerable: true, get: () => (cached ??= userEntries(annotations, annotation)) });
  };
  lazy('userVolumes', 'sidecar.istio.io/userVolume');
  lazy('userVolumeMounts', 'sidecar.istio.io/userVolumeMount');
  return derived;
}

/** Builds the TemplateData of one Pod. Throws InjectionDenied for unparseable JSON annotations. */
export function templateData(input: DataInput): TemplateData {
  const { config, pod, workload, proxyConfig } = input;
  const metadata = objectAt(pod, 'metadata');
  const labels = stringMap(metadata['labels']);
  const annotations = stringMap(metadata['annotations']);
  const spec = objectAt(pod, 'spec');
  const containers = arrayAt(spec, 'containers');
  const images = resolveImages(config.values, proxyConfig, annotations);
  // Built with copyOf and written out field by field rather than spread: in Node 20, an object
  // made by spread syntax is slow to add keys to (json.ts), and this runs for every Pod.
  const view: JsonObject = {
    ...pod,
    metadata: copyOf(metadata, { name: sprint(metadata['name']), namespace: workload.namespace, labels, annotations }),
    spec: copyOf(spec, { containers, initContainers: arrayAt(spec, 'initContainers'), volumes: arrayAt(spec, 'volumes') }),
  };
  const fixed = configFacts(config).scope;
  const ids = config.platform === 'openshift' ? openshiftProxyIds(input.namespaceAnnotations) : { uid: fixed.proxyUID, gid: fixed.proxyGID };
  return {
    values: fixed.values,
    meshConfig: fixed.meshConfig,
    revision: fixed.revision,
    compliancePolicy: fixed.compliancePolicy,
    proxyUID: ids.uid,
    proxyGID: ids.gid,
    inboundTrafficPolicyMode: fixed.inboundTrafficPolicyMode,
    pod: view,
    labels,
    annotations,
    deploymentMeta: { name: workload.name, namespace: workload.namespace },
    typeMeta: { kind: workload.kind, apiVersion: workload.apiVersion },
    proxyConfig,
    nativeSidecar: input.nativeSidecar,
    nativeSidecars: config.nativeSidecars,
    proxyImage: images.proxy,
    proxyInitImage: images.init,
    istio: derive(input, labels, annotations, containers),
  };
}
