// The differential suite's inputs: a generated Pod wrapped in one of the workload kinds
// `meshgate inject` accepts, with injector values and MeshConfig overlays, native sidecars on
// or off, a revision, and the path it takes (kube-inject, or the webhook for bare Pods).
// fc.sample with a seed makes every run reproducible (`--seed`).
import fc from 'fast-check';
import { annotations, labels, podSpec } from './generate-pod.js';

type Obj = Record<string, unknown>;

export interface DiffCase {
  readonly index: number;
  /** kube-inject: `meshgate inject` vs inject.IntoResourceFile; webhook: meshgate's core vs inject.NewWebhook. */
  readonly path: 'kube-inject' | 'webhook';
  readonly kind: string;
  /** The manifest object (a Pod, a workload or a List). */
  readonly object: Obj;
  readonly values?: Obj;
  readonly mesh?: Obj;
  readonly nativeSidecars: boolean;
  readonly revision: string;
  readonly namespace: string;
}

export const WORKLOAD_KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob', 'DeploymentConfig', 'List'] as const;

const VALUES_OVERLAYS: readonly Obj[] = [
  { global: { proxy: { resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '1', memory: '512Mi' } } } } },
  { global: { proxy: { holdApplicationUntilProxyStarts: true } } },
  { global: { logAsJson: true, imagePullPolicy: 'Always', imagePullSecrets: ['regcred'] } },
  { global: { network: 'net-a', meshID: 'mesh-1', multiCluster: { clusterName: 'east' } } },
  { global: { proxy: { privileged: true, includeIPRanges: '10.0.0.0/8', excludeInboundPorts: '9999', logLevel: 'info' } } },
  { pilot: { cni: { enabled: true } } },
  { sidecarInjectorWebhook: { rewriteAppHTTPProbe: false } },
  { global: { variant: 'distroless', hub: 'registry.example.com/istio', tag: '1.31.0-custom' } },
  { global: { proxy: { readinessInitialDelaySeconds: 2, readinessPeriodSeconds: 5, readinessFailureThreshold: 10, statusPort: 15021 } } },
  { global: { proxy: { startupProbe: { enabled: false } }, proxy_init: { resources: { limits: { cpu: '100m' } } } } },
  { global: { proxy: { lifecycle: { preStop: { exec: { command: ['sleep', '5'] } } } } } },
  { global: { mountMtlsCerts: true, caAddress: 'ca.example.com:15012', pilotCertProvider: 'kubernetes' } },
];

const MESH_OVERLAYS: readonly Obj[] = [
  { defaultConfig: { holdApplicationUntilProxyStarts: true } },
  { defaultConfig: { proxyMetadata: { ISTIO_META_DNS_CAPTURE: 'true' }, concurrency: 2 } },
  { enablePrometheusMerge: false },
  { inboundTrafficPolicy: { mode: 'LOCALHOST' }, trustDomain: 'example.org' },
  { defaultConfig: { interceptionMode: 'TPROXY' } },
  { defaultConfig: { proxyMetadata: { ISTIO_META_ENABLE_HBONE: 'true' } } },
];

const overlay = (list: readonly Obj[]): fc.Arbitrary<Obj | undefined> =>
  fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(...list) });

const podMeta = fc.record({ labels, annotations, name: fc.constantFrom('shop-7d9f', 'reviews-v1', '') });

/** A Pod's spec adjusted to its templates: gateways use `image: auto` on an istio-proxy container. */
function fitTemplates(spec: Obj, annots: Record<string, string>, autoImage: boolean): Obj {
  if (!/gateway/.test(annots['inject.istio.io/templates'] ?? '') || !autoImage) return spec;
  const containers = [...(spec['containers'] as Obj[])];
  containers[0] = { ...containers[0], name: 'istio-proxy', image: 'auto' };
  return { ...spec, containers };
}

function metadataOf(m: { name: string; labels: Record<string, string>; annotations: Record<string, string> }): Obj {
  const out: Obj = {};
  if (m.name) out['name'] = m.name;
  if (Object.keys(m.labels).length > 0) out['labels'] = m.labels;
  if (Object.keys(m.annotations).length > 0) out['annotations'] = m.annotations;
  return out;
}

/** Wraps a Pod's metadata and spec in a workload of the given kind. */
export function wrap(kind: string, podMetadata: Obj, spec: Obj, namespace: string | undefined): Obj {
  const meta = (name: string): Obj => ({ name, ...(namespace ? { namespace } : {}) });
  const template = { metadata: { ...podMetadata, labels: { app: 'shop', ...(podMetadata['labels'] as Obj | undefined) } }, spec };
  const selector = { matchLabels: { app: 'shop' } };
  switch (kind) {
    case 'Pod':
      return { apiVersion: 'v1', kind, metadata: { ...meta(String(podMetadata['name'] || 'shop')), ...podMetadata, ...(namespace ? { namespace } : {}) }, spec };
    case 'Deployment':
    case 'ReplicaSet':
    case 'DaemonSet':
      return { apiVersion: 'apps/v1', kind, metadata: meta('shop'), spec: { selector, template } };
    case 'StatefulSet':
      return { apiVersion: 'apps/v1', kind, metadata: meta('shop'), spec: { selector, serviceName: 'shop', template } };
    case 'ReplicationController':
      return { apiVersion: 'v1', kind, metadata: meta('shop'), spec: { replicas: 2, selector: { app: 'shop' }, template } };
    case 'Job':
      return { apiVersion: 'batch/v1', kind, metadata: meta('migrate'), spec: { backoffLimit: 2, template: { ...template, spec: { ...spec, restartPolicy: 'Never' } } } };
    case 'CronJob':
      return {
        apiVersion: 'batch/v1',
        kind,
        metadata: meta('nightly'),
        spec: { schedule: '0 3 * * *', jobTemplate: { metadata: template.metadata, spec: { template: { spec: { ...spec, restartPolicy: 'OnFailure' } } } } },
      };
    case 'DeploymentConfig':
      return { apiVersion: 'apps.openshift.io/v1', kind, metadata: meta('shop'), spec: { replicas: 1, selector: { app: 'shop' }, test: false, template } };
    default:
      return {
        apiVersion: 'v1',
        kind: 'List',
        items: [wrap('Deployment', podMetadata, spec, namespace), { apiVersion: 'v1', kind: 'Service', metadata: meta('shop'), spec: { ports: [{ port: 80 }] } }],
      };
  }
}

const caseArbitrary = fc
  .record({
    kind: fc.constantFrom(...WORKLOAD_KINDS),
    webhook: fc.boolean(),
    meta: podMeta,
    spec: podSpec,
    autoImage: fc.boolean(),
    values: overlay(VALUES_OVERLAYS),
    mesh: overlay(MESH_OVERLAYS),
    nativeSidecars: fc.boolean(),
    revision: fc.constantFrom('', '', '', 'canary'),
    namespace: fc.constantFrom('shop', 'default', 'istio-system'),
    namespaceInObject: fc.boolean(),
  })
  .map((r) => {
    const spec = fitTemplates(r.spec, r.meta.annotations, r.autoImage);
    const path: DiffCase['path'] = r.kind === 'Pod' && r.webhook ? 'webhook' : 'kube-inject';
    const object = wrap(r.kind, metadataOf(r.meta), spec, r.namespaceInObject || path === 'webhook' ? r.namespace : undefined);
    return { path, kind: r.kind, object, values: r.values, mesh: r.mesh, nativeSidecars: r.nativeSidecars, revision: r.revision, namespace: r.namespace };
  });

/** `count` cases, the same for the same seed. */
export function generateCases(seed: number, count: number): DiffCase[] {
  return fc.sample(caseArbitrary, { seed, numRuns: count }).map((c, index) => {
    const out: DiffCase = { index, path: c.path, kind: c.kind, object: c.object, nativeSidecars: c.nativeSidecars, revision: c.revision, namespace: c.namespace };
    return { ...out, ...(c.values ? { values: c.values } : {}), ...(c.mesh ? { mesh: c.mesh } : {}) };
  });
}
