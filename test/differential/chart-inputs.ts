// Inputs for running Istio's own chart templates through meshgate: seeded, reproducible Pods
// and workloads that exercise what the templates read (annotations, labels, ports, probes,
// service accounts), with values and mesh overlays and native sidecars on or off.

import { rng } from './validation/mutate.js';

type Obj = Record<string, unknown>;

export interface ChartCase {
  readonly index: number;
  readonly object: Obj;
  readonly values: Obj;
  readonly mesh: Obj;
  readonly nativeSidecars: boolean;
}

const ANNOTATIONS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['sidecar.istio.io/proxyCPU', ['100m', '1', '250m']],
  ['sidecar.istio.io/proxyMemory', ['128Mi', '1Gi']],
  ['sidecar.istio.io/proxyCPULimit', ['2', '500m']],
  ['sidecar.istio.io/proxyMemoryLimit', ['1024Mi', '2Gi']],
  ['traffic.sidecar.istio.io/includeOutboundIPRanges', ['*', '10.0.0.0/8', '10.0.0.0/8,172.16.0.0/12']],
  ['traffic.sidecar.istio.io/excludeOutboundIPRanges', ['192.168.0.0/16', '']],
  ['traffic.sidecar.istio.io/includeInboundPorts', ['*', '8080', '80,443']],
  ['traffic.sidecar.istio.io/excludeInboundPorts', ['9090', '15020', '80, 81']],
  ['traffic.sidecar.istio.io/excludeOutboundPorts', ['5432', '3306,6379']],
  ['traffic.sidecar.istio.io/includeOutboundPorts', ['443']],
  ['traffic.sidecar.istio.io/kubevirtInterfaces', ['net1']],
  ['traffic.sidecar.istio.io/excludeInterfaces', ['eth1']],
  ['status.sidecar.istio.io/port', ['15020', '0', '15021']],
  ['sidecar.istio.io/interceptionMode', ['REDIRECT', 'TPROXY', 'NONE']],
  ['sidecar.istio.io/logLevel', ['debug', 'info']],
  ['sidecar.istio.io/componentLogLevel', ['misc:info']],
  ['sidecar.istio.io/agentLogLevel', ['default:debug']],
  ['sidecar.istio.io/userVolume', ['{"extra":{"emptyDir":{}}}', '{"cfg":{"configMap":{"name":"c"}},"a":{"emptyDir":{"medium":"Memory"}}}']],
  ['sidecar.istio.io/userVolumeMount', ['{"extra":{"mountPath":"/extra","readOnly":true}}']],
  ['sidecar.istio.io/bootstrapOverride', ['custom-bootstrap']],
  ['proxy.istio.io/config', ['holdApplicationUntilProxyStarts: true', '{"proxyMetadata":{"ISTIO_META_DNS_CAPTURE":"true"}}', 'concurrency: 2', 'terminationDrainDuration: 30s']],
  ['sidecar.istio.io/nativeSidecar', ['true', 'false']],
  ['readiness.status.sidecar.istio.io/initialDelaySeconds', ['5']],
  ['readiness.status.sidecar.istio.io/periodSeconds', ['10']],
  ['readiness.status.sidecar.istio.io/failureThreshold', ['7']],
  ['kubectl.kubernetes.io/default-container', ['app']],
  ['sidecar.istio.io/capNetBindService', ['true', 'false']],
  ['k8s.v1.cni.cncf.io/networks', ['macvlan', '[{"name":"sriov"}]']],
  ['prometheus.io/scrape', ['true']],
  ['prometheus.io/port', ['9102']],
  ['sidecar.istio.io/rewriteAppHTTPProbers', ['false']],
  ['inject.istio.io/templates', ['sidecar', 'grpc-agent', 'sidecar,grpc-simple']],
];

const VALUES: readonly Obj[] = [
  {},
  { global: { proxy: { resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '1', memory: '512Mi' } } } } },
  { global: { proxy: { holdApplicationUntilProxyStarts: true } } },
  { global: { logAsJson: true, imagePullPolicy: 'Always', imagePullSecrets: ['regcred'] } },
  { global: { network: 'net-a', meshID: 'mesh-1', multiCluster: { clusterName: 'east' } } },
  { global: { proxy: { privileged: true, includeIPRanges: '10.0.0.0/8', excludeInboundPorts: '9999', logLevel: 'info' } } },
  { pilot: { cni: { enabled: true } } },
  { pilot: { cni: { enabled: true, provider: 'multus' } } },
  { global: { hub: 'registry.example.com/istio', tag: '1.31.0-custom', variant: 'distroless' } },
  { global: { proxy: { readinessInitialDelaySeconds: 2, readinessPeriodSeconds: 5, readinessFailureThreshold: 10 } } },
  { global: { proxy: { startupProbe: { enabled: false } } } },
  { global: { proxy: { lifecycle: { preStop: { exec: { command: ['sleep', '5'] } } } } } },
  { global: { mountMtlsCerts: true, caAddress: 'ca.example.com:15012' } },
  { global: { proxy: { tracer: 'datadog' } } },
  { global: { proxy: { seccompProfile: { type: 'RuntimeDefault' } } } },
];

const MESH: readonly Obj[] = [
  {},
  { defaultConfig: { holdApplicationUntilProxyStarts: true } },
  { defaultConfig: { proxyMetadata: { ISTIO_META_DNS_CAPTURE: 'true' }, concurrency: 2 } },
  { inboundTrafficPolicy: { mode: 'LOCALHOST' }, trustDomain: 'example.org' },
  { defaultConfig: { interceptionMode: 'TPROXY' } },
  { defaultConfig: { proxyMetadata: { ISTIO_META_ENABLE_HBONE: 'true' } } },
  { enablePrometheusMerge: false },
];

const KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'ReplicaSet'] as const;

function container(r: () => number, i: number): Obj {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const port = 8080 + i;
  const c: Obj = { name: i === 0 ? 'app' : `side-${i}`, image: pick(['example/app:1.0', 'registry.example.com/app@sha256:abc', 'app']) };
  if (r() < 0.8) c['ports'] = [{ containerPort: port, ...(r() < 0.6 ? { name: `http-${i}` } : {}), ...(r() < 0.2 ? { protocol: 'UDP' } : {}) }];
  if (r() < 0.4) c['readinessProbe'] = pick([{ httpGet: { path: '/ready', port } }, { tcpSocket: { port } }, { exec: { command: ['true'] } }]);
  if (r() < 0.3) c['livenessProbe'] = { httpGet: { path: '/live', port: r() < 0.5 ? port : `http-${i}` }, initialDelaySeconds: 3 };
  if (r() < 0.3) c['resources'] = { requests: { cpu: '100m' } };
  if (r() < 0.15) c['securityContext'] = { runAsUser: 1000 };
  return c;
}

function podTemplate(r: () => number): Obj {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const annotations: Record<string, string> = {};
  for (const [k, vs] of ANNOTATIONS) if (r() < 0.12) annotations[k] = pick(vs);
  const labels: Record<string, string> = { app: pick(['shop', 'cart', 'x'.repeat(70)]) };
  if (r() < 0.5) labels['version'] = pick(['v1', 'v2']);
  if (r() < 0.2) labels['app.kubernetes.io/name'] = 'named';
  if (r() < 0.1) labels['service.istio.io/canonical-name'] = '-trim-me-';
  const containers = Array.from({ length: 1 + Math.floor(r() * 3) }, (_x, i) => container(r, i));
  const spec: Obj = { containers };
  if (r() < 0.4) spec['serviceAccountName'] = 'sa-app';
  return { metadata: { labels, ...(Object.keys(annotations).length > 0 ? { annotations } : {}) }, spec };
}

function wrap(kind: (typeof KINDS)[number], tpl: Obj, i: number): Obj {
  const meta = { name: `w${i}`, namespace: 'shop' };
  if (kind === 'Pod') return { apiVersion: 'v1', kind, metadata: { ...meta, ...(tpl['metadata'] as Obj) }, spec: tpl['spec'] };
  if (kind === 'CronJob')
    return {
      apiVersion: 'batch/v1',
      kind,
      metadata: meta,
      spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { ...tpl, spec: { ...(tpl['spec'] as Obj), restartPolicy: 'Never' } } } } },
    };
  const apiVersion = kind === 'Job' ? 'batch/v1' : 'apps/v1';
  const extra = kind === 'Job' ? { restartPolicy: 'Never' } : {};
  return { apiVersion, kind, metadata: meta, spec: { selector: { matchLabels: { app: 'x' } }, template: { ...tpl, spec: { ...(tpl['spec'] as Obj), ...extra } } } };
}

/** `count` cases from `seed`. */
export function chartCases(seed: number, count: number): ChartCase[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  return Array.from({ length: count }, (_x, index) => ({
    index,
    object: wrap(pick(KINDS), podTemplate(r), index),
    values: pick(VALUES),
    mesh: pick(MESH),
    nativeSidecars: r() < 0.5,
  }));
}
