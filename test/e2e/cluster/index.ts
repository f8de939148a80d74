// A throw-away Kubernetes control plane on 127.0.0.1: etcd, kube-apiserver and
// kube-controller-manager (no scheduler, no kubelet: Pods are stored and stay Pending).
//
//   const cluster = await startCluster();
//   try { await cluster.kubectl.ok(['get', 'ns']); } finally { await cluster.stop(); }
//
// Everything lives in a temporary directory (certificates, kubeconfigs, etcd data, logs) that
// stop() removes; set keepDir to keep it for debugging.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApiServer, KUBERNETES_SERVICE_IP } from './apiserver.js';
import { ensureKubeBinaries, type KubeBinaries } from './build.js';
import { writeClusterPki, type ClusterPki } from './certs.js';
import { startControllerManager } from './controller-manager.js';
import { installCrds, type GatewayApiChannel } from './crds.js';
import { resolveEtcd, startEtcd, type EtcdBinary } from './etcd.js';
import { writeKubeconfig } from './kubeconfig.js';
import { kubectlFor, type Kubectl } from './kubectl.js';
import { waitFor } from './net.js';
import { stderrProgress, type Progress } from './progress.js';
import { trackTempDir, type Daemon } from './proc.js';
import { defaultCacheRoot } from './versions.js';

export interface ClusterOptions {
  /** Where built binaries are cached; default ~/.cache/meshgate-e2e. */
  readonly cacheRoot?: string;
  readonly progress?: Progress;
  /** Install Istio and Gateway API CRDs (default true). */
  readonly crds?: boolean;
  readonly gatewayApiChannel?: GatewayApiChannel;
  /** Keep the temporary directory after stop() (default false). */
  readonly keepDir?: boolean;
  readonly apiServerArgs?: readonly string[];
}

export interface Cluster {
  /** Admin kubeconfig (system:masters). */
  readonly kubeconfig: string;
  /** https://127.0.0.1:PORT */
  readonly server: string;
  /** The run's CA certificate: it signed the API server's certificate and the client certificates. */
  readonly caFile: string;
  readonly pki: ClusterPki;
  readonly binaries: KubeBinaries;
  readonly kubectl: Kubectl;
  /** The run's temporary directory (logs: etcd.log, kube-apiserver.log, kube-controller-manager.log). */
  readonly dir: string;
  /** Stops the processes and removes the directory; safe to call twice. */
  stop(): Promise<void>;
}

export async function startCluster(opts: ClusterOptions = {}): Promise<Cluster> {
  const progress = opts.progress ?? stderrProgress();
  const binaries = await ensureKubeBinaries(opts.cacheRoot ?? defaultCacheRoot(), progress);
  const etcd = await resolveEtcd();
  const dir = mkdtempSync(join(tmpdir(), 'meshgate-e2e-'));
  const untrack = opts.keepDir ? (): void => undefined : trackTempDir(dir);
  const daemons: Daemon[] = [];
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    progress('stopping the cluster');
    for (const d of [...daemons].reverse()) await d.stop();
    if (!opts.keepDir) rmSync(dir, { recursive: true, force: true });
    untrack();
  };
  try {
    const parts = await boot({ binaries, etcd, dir, daemons, opts, progress });
    progress(`cluster ready: ${parts.server} (KUBECONFIG=${parts.kubeconfig})`);
    return { ...parts, binaries, dir, stop };
  } catch (e) {
    const logs = daemons.map((d) => `--- ${d.name} (${d.logFile}):\n${d.logTail(20)}`).join('\n');
    await stop();
    throw new Error(`cluster did not start: ${(e as Error).message}${logs ? `\n${logs}` : ''}`);
  }
}

interface BootContext {
  readonly binaries: KubeBinaries;
  readonly etcd: EtcdBinary;
  readonly dir: string;
  /** Every started process is pushed here at once, so a failure later still stops it. */
  readonly daemons: Daemon[];
  readonly opts: ClusterOptions;
  readonly progress: Progress;
}

type Booted = Pick<Cluster, 'kubeconfig' | 'server' | 'caFile' | 'pki' | 'kubectl'>;

async function boot({ binaries, etcd, dir, daemons, opts, progress }: BootContext): Promise<Booted> {
  progress(`generating certificates in ${dir}`);
  const pki = writeClusterPki(join(dir, 'pki'), KUBERNETES_SERVICE_IP);
  const store = await startEtcd(etcd, dir, pki, progress);
  daemons.push(store.daemon);
  const api = await startApiServer({ binary: binaries['kube-apiserver'], runDir: dir, pki, etcdUrl: store.url, extraArgs: opts.apiServerArgs }, progress);
  daemons.push(api.daemon);
  const kubeconfig = writeKubeconfig(join(dir, 'admin.kubeconfig'), {
    server: api.url,
    caFile: pki.caCert,
    certFile: pki.admin.cert,
    keyFile: pki.admin.key,
    user: 'kubernetes-admin',
  });
  const kubectl = kubectlFor(binaries.kubectl, kubeconfig);
  const kcm = await startControllerManager({ binary: binaries['kube-controller-manager'], runDir: dir, pki, server: api.url }, progress);
  daemons.push(kcm);
  await waitForControllers(kubectl, kcm, progress);
  if (opts.crds ?? true) await installCrds(kubectl, progress, opts.gatewayApiChannel);
  return { kubeconfig, server: api.url, caFile: pki.caCert, pki, kubectl };
}

// The controller manager is up when its service-account controller has created the
// `default` ServiceAccount, which Pod admission needs in every namespace.
async function waitForControllers(kubectl: Kubectl, kcm: Daemon, progress: Progress): Promise<void> {
  progress('waiting for kube-controller-manager (the default ServiceAccount)');
  await waitForServiceAccount(kubectl, 'default', {
    abortIf: () => (kcm.isRunning() ? undefined : `exited; log ${kcm.logFile}:\n${kcm.logTail(40)}`),
  });
}

/** Waits for a namespace's `default` ServiceAccount: before it exists, Pods there are refused. */
export async function waitForServiceAccount(kubectl: Kubectl, namespace: string, opts: { abortIf?: () => string | undefined; timeoutMs?: number } = {}): Promise<void> {
  await waitFor(async () => (await kubectl.run(['get', 'serviceaccount', 'default', '-n', namespace])).code === 0, {
    what: `ServiceAccount ${namespace}/default`,
    timeoutMs: opts.timeoutMs ?? 60_000,
    intervalMs: 300,
    abortIf: opts.abortIf,
  });
}

export type { KubeBinaries } from './build.js';
export type { Kubectl } from './kubectl.js';
export type { Progress } from './progress.js';
export { stderrProgress } from './progress.js';
