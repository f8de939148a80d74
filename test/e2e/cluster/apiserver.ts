// kube-apiserver on 127.0.0.1 with the run's certificates, client-certificate and
// service-account authentication, RBAC, and the default admission plugins (which include
// MutatingAdmissionWebhook and ValidatingAdmissionWebhook).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterPki } from './certs.js';
import { freePort, waitForHttps } from './net.js';
import type { Progress } from './progress.js';
import { startDaemon, type Daemon } from './proc.js';

export const SERVICE_CIDR = '10.96.0.0/24';
/** The first address of SERVICE_CIDR: the ClusterIP of the `kubernetes` Service. */
export const KUBERNETES_SERVICE_IP = '10.96.0.1';

export interface ApiServer {
  readonly url: string;
  readonly daemon: Daemon;
}

export interface ApiServerOptions {
  readonly binary: string;
  readonly runDir: string;
  readonly pki: ClusterPki;
  readonly etcdUrl: string;
  readonly extraArgs?: readonly string[];
}

export async function startApiServer(opts: ApiServerOptions, progress: Progress): Promise<ApiServer> {
  const { pki } = opts;
  const port = await freePort();
  const url = `https://127.0.0.1:${port}`;
  progress(`starting kube-apiserver on ${url}`);
  const daemon = startDaemon({
    name: 'kube-apiserver',
    cmd: opts.binary,
    logFile: join(opts.runDir, 'kube-apiserver.log'),
    args: [
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${port}`,
      `--cert-dir=${join(opts.runDir, 'apiserver-certs')}`,
      `--tls-cert-file=${pki.apiserver.cert}`,
      `--tls-private-key-file=${pki.apiserver.key}`,
      `--client-ca-file=${pki.caCert}`,
      `--etcd-servers=${opts.etcdUrl}`,
      `--etcd-cafile=${pki.caCert}`,
      `--etcd-certfile=${pki.etcdClient.cert}`,
      `--etcd-keyfile=${pki.etcdClient.key}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${pki.serviceAccountPub}`,
      `--service-account-signing-key-file=${pki.serviceAccountKey}`,
      `--service-cluster-ip-range=${SERVICE_CIDR}`,
      '--authorization-mode=RBAC',
      '--allow-privileged=true',
      '--profiling=false',
      '--v=1',
      ...(opts.extraArgs ?? []),
    ],
  });
  const tls = { ca: readFileSync(pki.caCert, 'utf8'), cert: readFileSync(pki.admin.cert, 'utf8'), key: readFileSync(pki.admin.key, 'utf8') };
  progress('waiting for kube-apiserver /readyz');
  await waitForHttps(`${url}/readyz`, tls, {
    what: 'kube-apiserver',
    timeoutMs: 120_000,
    intervalMs: 500,
    abortIf: () => (daemon.isRunning() ? undefined : `exited; log ${daemon.logFile}:\n${daemon.logTail(40)}`),
  });
  return { url, daemon };
}
