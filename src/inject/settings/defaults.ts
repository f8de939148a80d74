// Built-in configuration: Istio's chart defaults for the injector `values` and the MeshConfig
// fields that matter to injection, written once here. The image hub and tag are those of a
// released Istio; everything else equals the chart (docs/templates.md lists the choices).
import type { JsonObject } from '../../lib/json.js';

/** The Istio release whose proxy image meshgate injects by default. */
export const DEFAULT_HUB = 'docker.io/istio';
export const DEFAULT_TAG = '1.31.0';

/** Namespaces the webhook never injects (Istio's IgnoredNamespaces; istio-system is not one). */
export const IGNORED_NAMESPACES: readonly string[] = ['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage'];

export function defaultValues(): JsonObject {
  return {
    gateways: { seccompProfile: {}, securityContext: {} },
    global: {
      caAddress: '',
      caName: '',
      certSigners: [],
      configCluster: false,
      configValidation: true,
      defaultPodDisruptionBudget: { enabled: true },
      defaultResources: { requests: { cpu: '10m' } },
      externalIstiod: false,
      hub: DEFAULT_HUB,
      imagePullPolicy: '',
      imagePullSecrets: [],
      istioNamespace: 'istio-system',
      istiod: { enableAnalysis: false },
      logAsJson: false,
      logging: { level: 'default:info' },
      meshID: '',
      meshNetworks: {},
      mountMtlsCerts: false,
      multiCluster: { clusterName: '' },
      nativeNftables: false,
      network: '',
      networkPolicy: { enabled: false },
      omitSidecarInjectorConfigMap: false,
      operatorManageWebhooks: false,
      pilotCertProvider: 'istiod',
      priorityClassName: '',
      proxy: defaultProxyValues(),
      proxy_init: { forceApplyIptables: false, image: 'proxyv2' },
      remotePilotAddress: '',
      resourceScope: 'all',
      sds: { token: { aud: 'istio-ca' } },
      sts: { servicePort: 0 },
      tag: DEFAULT_TAG,
      variant: '',
      waypoint: {
        affinity: {},
        nodeSelector: {},
        resources: { limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '100m', memory: '128Mi' } },
        tolerations: [],
        topologySpreadConstraints: [],
      },
    },
    pilot: { cni: { enabled: false, provider: 'default' }, env: {} },
    revision: '',
    sidecarInjectorWebhook: {
      alwaysInjectSelector: [],
      defaultTemplates: [],
      enableNamespacesByDefault: false,
      injectedAnnotations: {},
      neverInjectSelector: [],
      reinvocationPolicy: 'Never',
      rewriteAppHTTPProbe: true,
      templates: {},
    },
  };
}

function defaultProxyValues(): JsonObject {
  return {
    autoInject: 'enabled',
    clusterDomain: 'cluster.local',
    componentLogLevel: 'misc:error',
    excludeIPRanges: '',
    excludeInboundPorts: '',
    excludeOutboundPorts: '',
    image: 'proxyv2',
    includeIPRanges: '*',
    includeInboundPorts: '*',
    includeOutboundPorts: '',
    logLevel: 'warning',
    outlierLogPath: '',
    privileged: false,
    readinessFailureThreshold: 4,
    readinessInitialDelaySeconds: 0,
    readinessPeriodSeconds: 15,
    resources: { limits: { cpu: '2000m', memory: '1024Mi' }, requests: { cpu: '100m', memory: '128Mi' } },
    seccompProfile: {},
    startupProbe: { enabled: true, failureThreshold: 600 },
    statusPort: 15020,
    tracer: 'none',
  };
}

/** Istio's DefaultProxyConfig(): the values PROXY_CONFIG leaves out when a field equals them. */
export const PROXY_CONFIG_DEFAULTS: Readonly<Record<string, unknown>> = {
  configPath: './etc/istio/proxy',
  binaryPath: '/usr/local/bin/envoy',
  serviceCluster: 'istio-proxy',
  drainDuration: '45s',
  terminationDrainDuration: '5s',
  proxyAdminPort: 15000,
  controlPlaneAuthPolicy: 'MUTUAL_TLS',
  discoveryAddress: 'istiod.istio-system.svc:15012',
  statNameLength: 189,
  statusPort: 15020,
  envoyMetricsService: undefined,
  envoyAccessLogService: undefined,
  tracing: undefined,
  concurrency: undefined,
};

/** The mesh config a default install gives the injector, for the given revision and namespace. */
export function defaultMesh(revision: string, istioNamespace: string): JsonObject {
  const istiod = revision ? `istiod-${revision}` : 'istiod';
  return {
    trustDomain: 'cluster.local',
    rootNamespace: istioNamespace,
    enablePrometheusMerge: true,
    proxyListenPort: 15001,
    proxyInboundListenPort: 15006,
    inboundTrafficPolicy: { mode: 'PASSTHROUGH' },
    defaultProviders: { metrics: ['prometheus'] },
    extensionProviders: [
      { name: 'prometheus', prometheus: {} },
      { name: 'stackdriver', stackdriver: {} },
      { name: 'envoy', envoyFileAccessLog: { path: '/dev/stdout' } },
    ],
    defaultConfig: {
      configPath: './etc/istio/proxy',
      binaryPath: '/usr/local/bin/envoy',
      serviceCluster: 'istio-proxy',
      drainDuration: '45s',
      terminationDrainDuration: '5s',
      proxyAdminPort: 15000,
      controlPlaneAuthPolicy: 'MUTUAL_TLS',
      discoveryAddress: `${istiod}.${istioNamespace}.svc:15012`,
      statNameLength: 189,
      statusPort: 15020,
    },
  };
}
