// kube-controller-manager: turns Deployments into ReplicaSets into Pods, creates each
// namespace's `default` ServiceAccount (which Pod admission requires), and deletes namespaces.
// Like kubeadm, every controller uses its own service-account credentials.
import { join } from 'node:path';
import type { ClusterPki } from './certs.js';
import { writeKubeconfig } from './kubeconfig.js';
import { freePort } from './net.js';
import type { Progress } from './progress.js';
import { startDaemon, type Daemon } from './proc.js';

export interface ControllerManagerOptions {
  readonly binary: string;
  readonly runDir: string;
  readonly pki: ClusterPki;
  readonly server: string;
}

export async function startControllerManager(opts: ControllerManagerOptions, progress: Progress): Promise<Daemon> {
  const { pki } = opts;
  const kubeconfig = writeKubeconfig(join(opts.runDir, 'controller-manager.kubeconfig'), {
    server: opts.server,
    caFile: pki.caCert,
    certFile: pki.controllerManager.cert,
    keyFile: pki.controllerManager.key,
    user: 'system:kube-controller-manager',
  });
  const port = await freePort();
  progress('starting kube-controller-manager');
  return startDaemon({
    name: 'kube-controller-manager',
    cmd: opts.binary,
    logFile: join(opts.runDir, 'kube-controller-manager.log'),
    args: [
      `--kubeconfig=${kubeconfig}`,
      `--authentication-kubeconfig=${kubeconfig}`,
      `--authorization-kubeconfig=${kubeconfig}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${port}`,
      `--cert-dir=${join(opts.runDir, 'controller-manager-certs')}`,
      '--leader-elect=false',
      '--use-service-account-credentials=true',
      `--service-account-private-key-file=${pki.serviceAccountKey}`,
      `--root-ca-file=${pki.caCert}`,
      `--cluster-signing-cert-file=${pki.caCert}`,
      `--cluster-signing-key-file=${pki.caKey}`,
      '--controllers=*',
      '--v=1',
    ],
  });
}
