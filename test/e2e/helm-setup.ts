// vitest globalSetup for the Helm install (`vitest.e2e-helm.config.ts`): a cluster whose API
// server limits system-*-critical Pods to namespaces with a quota for them (as GKE does),
// then `helm install` of the default revision and of revision `canary` from charts/meshgate,
// each run as a local process exactly as its Deployment describes it. The injection and
// validation scenario files then run against it unchanged.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startCluster, stderrProgress, waitForServiceAccount, type Cluster, type Progress } from './cluster/index.js';
import { ensureHelm } from './cluster/helm.js';
import { waitForInjectorCalls, type MeshgateInfo } from './cluster/meshgate.js';
import { freePort } from './cluster/net.js';
import { E2E_DIR } from './cluster/versions.js';
import { ISTIO_NS as ISTIO_NAMESPACE, waitReady } from './cluster-mode.js';
import { E2E_NAMESPACE_MESHGATE, PROBE_NAMESPACE, type E2EContext, type HelmReleaseInfo } from './context.js';
import { CHART_DIR, helmOk, startAsPod, valuesFile, type HelmContext, type PodProcess } from './helm-install.js';

const VALUES_FILE = join(E2E_DIR, 'data', 'values.yaml');

/** The API server's ResourceQuota admission limits the critical priority classes, like GKE's. */
const CRITICAL_PODS_NEED_QUOTA = `apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
  - name: ResourceQuota
    configuration:
      apiVersion: apiserver.config.k8s.io/v1
      kind: ResourceQuotaConfiguration
      limitedResources:
        - resource: pods
          matchScopes:
            - scopeName: PriorityClass
              operator: In
              values: ["system-node-critical", "system-cluster-critical"]
`;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const progress = stderrProgress();
  const keepDir = process.env['MESHGATE_E2E_KEEP'] === '1';
  const helm = await ensureHelm(progress);
  const admissionDir = mkdtempSync(join(tmpdir(), 'meshgate-e2e-admission-'));
  const admissionFile = join(admissionDir, 'admission.yaml');
  writeFileSync(admissionFile, CRITICAL_PODS_NEED_QUOTA);
  const cluster = await startCluster({ progress, keepDir, apiServerArgs: [`--admission-control-config-file=${admissionFile}`] });
  const pods: PodProcess[] = [];
  const teardown = async (): Promise<void> => {
    for (const p of pods) await p.stop();
    await cluster.stop();
    rmSync(admissionDir, { recursive: true, force: true });
  };
  try {
    project.provide('e2e', await installWithHelm(cluster, helm, pods, progress));
  } catch (e) {
    progress(`setup failed; logs are in ${cluster.dir}${keepDir ? '' : ' (removed: set MESHGATE_E2E_KEEP=1 to keep them)'}`);
    await teardown();
    throw e;
  }
  return async () => {
    await teardown();
    if (keepDir) progress(`kept ${cluster.dir}`);
  };
}

interface Release {
  readonly release: string;
  readonly deployment: string;
  readonly revision: string;
  readonly configMap: string;
  readonly values: object;
}

async function installWithHelm(cluster: Cluster, helm: string, pods: PodProcess[], progress: Progress): Promise<E2EContext> {
  const { kubectl: k } = cluster;
  const ns = E2E_NAMESPACE_MESHGATE;
  const home = join(cluster.dir, 'helm');
  const ctx: HelmContext = { helm, kubeconfig: cluster.kubeconfig, home };
  const nativeSidecars = process.env['MESHGATE_E2E_NATIVE_SIDECARS'] !== 'false';
  await k.ok(['create', 'namespace', ns]);
  await waitForServiceAccount(k, ns);
  const ports = { default: await freePort(), canary: await freePort() };
  const common = (port: number): object => ({
    webhooks: { url: `https://127.0.0.1:${port}` },
    certificates: { extraSANs: ['127.0.0.1', 'localhost'] },
    istio: { nativeSidecars },
  });
  const releases: Release[] = [
    { release: 'meshgate', deployment: 'meshgate', revision: '', configMap: 'istio-sidecar-injector', values: common(ports.default) },
    // The revision's ConfigMap name is Istio's (istio-sidecar-injector-canary): the chart follows the revision.
    {
      release: 'meshgate-canary',
      deployment: 'meshgate-canary',
      revision: 'canary',
      configMap: 'istio-sidecar-injector-canary',
      values: { ...common(ports.canary), revision: 'canary', webhooks: { url: `https://127.0.0.1:${ports.canary}`, validation: { enabled: false } } },
    },
  ];
  // Istio's injector values, where Istio keeps them: one ConfigMap per revision in istio-system,
  // which must exist before the chart's Role for it can be installed.
  await k.ok(['create', 'namespace', ISTIO_NAMESPACE]);
  for (const r of releases) await k.ok(['create', 'configmap', r.configMap, '-n', ISTIO_NAMESPACE, `--from-file=values=${VALUES_FILE}`]);
  const infos: MeshgateInfo[] = [];
  const installed: HelmReleaseInfo[] = [];
  for (const r of releases) {
    const file = valuesFile(join(cluster.dir, 'helm-values'), r.release, r.values);
    progress(`helm install ${r.release} charts/meshgate${r.revision ? ` (revision ${r.revision})` : ''}`);
    await helmOk(ctx, ['install', r.release, CHART_DIR, '--namespace', ns, '--values', file]);
    const port = r.revision ? ports.canary : ports.default;
    const pod = await startAsPod({ k, server: cluster.server, caFile: cluster.caFile, namespace: ns, deployment: r.deployment, port, dir: join(cluster.dir, r.release), progress });
    pods.push(pod);
    await waitReady(pod);
    infos.push(await infoOf(cluster, pod, r.revision, nativeSidecars));
    installed.push({ release: r.release, namespace: ns, valuesFile: file, deployment: r.deployment, logFile: pod.logFile, url: pod.url });
  }
  const [main, canary] = infos as [MeshgateInfo, MeshgateInfo];
  await waitForWebhookCalls(cluster, main, progress);
  return {
    kubectl: cluster.binaries.kubectl,
    kubeconfig: cluster.kubeconfig,
    server: cluster.server,
    caFile: cluster.caFile,
    dir: cluster.dir,
    meshgate: main,
    canary,
    manifests: { default: '', canary: '' },
    valuesFile: VALUES_FILE,
    helm: { binary: helm, home, releases: installed },
  };
}

/** The CA meshgate's certificate chains to, from the Secret it manages, for tests that call it. */
async function infoOf(cluster: Cluster, pod: PodProcess, revision: string, nativeSidecars: boolean): Promise<MeshgateInfo> {
  const secret = pod.env['MESHGATE_SECRET_NAME'] ?? 'meshgate-certs';
  const b64 = await cluster.kubectl.ok(['get', 'secret', secret, '-n', E2E_NAMESPACE_MESHGATE, '-o', 'jsonpath={.data.ca-bundle\\.crt}']);
  const caFile = join(cluster.dir, `${pod.name}-ca.crt`);
  mkdirSync(cluster.dir, { recursive: true });
  writeFileSync(caFile, Buffer.from(b64, 'base64'));
  if (!readFileSync(caFile, 'utf8').includes('BEGIN CERTIFICATE')) throw new Error(`Secret ${secret} holds no CA bundle`);
  return { url: pod.url, caFile, logFile: pod.logFile, revision, nativeSidecars };
}

async function waitForWebhookCalls(cluster: Cluster, mg: MeshgateInfo, progress: Progress): Promise<void> {
  progress('waiting until the API server calls meshgate');
  await cluster.kubectl.ok(['create', 'namespace', PROBE_NAMESPACE]);
  await cluster.kubectl.ok(['label', 'namespace', PROBE_NAMESPACE, 'istio-injection=enabled']);
  await waitForServiceAccount(cluster.kubectl, PROBE_NAMESPACE);
  await waitForInjectorCalls(cluster.kubectl, mg, PROBE_NAMESPACE, 60_000);
}
