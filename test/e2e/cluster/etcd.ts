// etcd for the run: one member on 127.0.0.1 with TLS and client-certificate auth, data in the
// run's temporary directory.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterPki } from './certs.js';
import { freePort, waitForHttps } from './net.js';
import type { Progress } from './progress.js';
import { run, startDaemon, type Daemon } from './proc.js';

/** Debian's etcd-server package installs here (`apt-get install etcd-server`). */
export const DEBIAN_ETCD = '/usr/bin/etcd';

export interface EtcdBinary {
  readonly path: string;
  readonly version: string;
}

/**
 * The etcd to run: $MESHGATE_E2E_ETCD when set, else Debian's etcd-server package. The pinned
 * Kubernetes API server runs on Debian bookworm's etcd 3.4.23 (see test/e2e/README.md).
 */
export async function resolveEtcd(env: NodeJS.ProcessEnv = process.env): Promise<EtcdBinary> {
  const path = env['MESHGATE_E2E_ETCD'] ?? DEBIAN_ETCD;
  if (!existsSync(path)) {
    throw new Error(`etcd not found at ${path}: install Debian's etcd-server package (apt-get install -y etcd-server) or set MESHGATE_E2E_ETCD`);
  }
  const res = await run(path, ['--version']);
  const version = /etcd Version:\s*(\S+)/.exec(res.stdout)?.[1];
  if (res.code !== 0 || !version) throw new Error(`${path} --version failed: ${res.stderr || res.stdout}`);
  return { path, version };
}

export interface Etcd {
  readonly url: string;
  readonly daemon: Daemon;
}

export async function startEtcd(bin: EtcdBinary, runDir: string, pki: ClusterPki, progress: Progress): Promise<Etcd> {
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const url = `https://127.0.0.1:${clientPort}`;
  const peerUrl = `https://127.0.0.1:${peerPort}`;
  const dataDir = join(runDir, 'etcd');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  progress(`starting etcd ${bin.version} (${bin.path}) on ${url}`);
  const daemon = startDaemon({
    name: 'etcd',
    cmd: bin.path,
    logFile: join(runDir, 'etcd.log'),
    args: [
      '--name=e2e',
      `--data-dir=${dataDir}`,
      `--listen-client-urls=${url}`,
      `--advertise-client-urls=${url}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=e2e=${peerUrl}`,
      '--initial-cluster-state=new',
      `--cert-file=${pki.etcdServer.cert}`,
      `--key-file=${pki.etcdServer.key}`,
      `--trusted-ca-file=${pki.caCert}`,
      '--client-cert-auth=true',
      `--peer-cert-file=${pki.etcdServer.cert}`,
      `--peer-key-file=${pki.etcdServer.key}`,
      `--peer-trusted-ca-file=${pki.caCert}`,
      '--peer-client-cert-auth=true',
      '--logger=zap',
      '--log-outputs=stderr',
      '--log-level=warn',
      '--quota-backend-bytes=2147483648',
    ],
  });
  const tls = { ca: readFileSync(pki.caCert, 'utf8'), cert: readFileSync(pki.etcdClient.cert, 'utf8'), key: readFileSync(pki.etcdClient.key, 'utf8') };
  await waitForHttps(`${url}/health`, tls, {
    what: 'etcd',
    timeoutMs: 30_000,
    abortIf: () => (daemon.isRunning() ? undefined : `exited; log ${daemon.logFile}:\n${daemon.logTail()}`),
  });
  return { url, daemon };
}
