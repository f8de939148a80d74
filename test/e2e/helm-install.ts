// The Helm install on the e2e cluster: `helm install` of charts/meshgate, and meshgate run as
// a local process *as the installed Deployment describes it*: the container's args and
// environment read back from the cluster, the release's ServiceAccount (a bound token), and
// only what a Pod gets from its node replaced (the listen address on 127.0.0.1, a certificate
// directory, the namespace file). There is no kubelet, so the Deployment's own Pods stay
// Pending; the webhooks point at the local process with the chart's `webhooks.url` value, as
// the kustomize e2e points them with `meshgate manifests --url`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Kubectl } from './cluster/kubectl.js';
import { helmRunner } from './cluster/helm.js';
import { silent, type Progress } from './cluster/progress.js';
import { startDaemon, type Daemon, type RunResult } from './cluster/proc.js';
import { REPO_ROOT } from './cluster/versions.js';

export const CHART_DIR = join(REPO_ROOT, 'charts', 'meshgate');
const MESHGATE_BIN = join(REPO_ROOT, 'bin', 'meshgate.js');

export interface HelmContext {
  readonly helm: string;
  readonly kubeconfig: string;
  /** A directory for helm's config, cache and data (kept out of the user's home). */
  readonly home: string;
}

export function helmCli(ctx: HelmContext): (args: readonly string[]) => Promise<RunResult> {
  const run = helmRunner(ctx.helm, ctx.home, ctx.kubeconfig);
  return (args) => run(args, { cwd: REPO_ROOT });
}

/** `helm <args>`, throwing with helm's output when it fails. */
export async function helmOk(ctx: HelmContext, args: readonly string[]): Promise<string> {
  const res = await helmCli(ctx)(args);
  if (res.code !== 0) throw new Error(`helm ${args.join(' ')} exited ${res.code}:\n${res.stderr || res.stdout}`);
  return res.stdout;
}

/** Writes values to a file for `--values` (never `--set`: lists and nesting stay readable). */
export function valuesFile(dir: string, name: string, values: object): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.values.yaml`);
  writeFileSync(file, stringify(values));
  return file;
}

interface EnvVar {
  readonly name: string;
  readonly value?: string;
}

interface DeploymentJson {
  spec: { template: { spec: { serviceAccountName: string; containers: { args?: string[]; env?: EnvVar[] }[] } } };
}

/** A kubeconfig authenticating as a ServiceAccount with a bound token, as its Pod would. */
export async function serviceAccountKubeconfig(k: Kubectl, server: string, caFile: string, namespace: string, account: string, file: string): Promise<string> {
  const token = (await k.ok(['create', 'token', account, '-n', namespace, '--duration', '2h'])).trim();
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'e2e', cluster: { server, 'certificate-authority': caFile } }],
    users: [{ name: account, user: { token } }],
    contexts: [{ name: 'e2e', context: { cluster: 'e2e', user: account, namespace } }],
    'current-context': 'e2e',
  };
  writeFileSync(file, stringify(doc), { mode: 0o600 });
  return file;
}

export interface PodProcess {
  readonly name: string;
  readonly url: string;
  readonly port: number;
  readonly logFile: string;
  readonly daemon: Daemon;
  /** The container environment the chart rendered (before the local replacements). */
  readonly env: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

export interface PodProcessOptions {
  readonly k: Kubectl;
  readonly server: string;
  readonly caFile: string;
  readonly namespace: string;
  readonly deployment: string;
  readonly port: number;
  readonly dir: string;
  readonly progress?: Progress;
}

/** Starts meshgate with the args and environment of the Deployment's container. */
export async function startAsPod(opts: PodProcessOptions): Promise<PodProcess> {
  const deploy = await opts.k.json<DeploymentJson>(['get', 'deployment', opts.deployment, '-n', opts.namespace]);
  const pod = deploy.spec.template.spec;
  const container = pod.containers[0];
  if (!container) throw new Error(`Deployment ${opts.deployment} has no container`);
  const env = Object.fromEntries((container.env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value as string]));
  mkdirSync(opts.dir, { recursive: true });
  const kubeconfig = await serviceAccountKubeconfig(opts.k, opts.server, opts.caFile, opts.namespace, pod.serviceAccountName, join(opts.dir, 'sa.kubeconfig'));
  const local = {
    // What the node would provide: the pod network address (here 127.0.0.1), an emptyDir, the
    // service-account credentials and namespace.
    MESHGATE_LISTEN: `127.0.0.1:${opts.port}`,
    MESHGATE_CERT_DIR: join(opts.dir, 'certs'),
    MESHGATE_KUBECONFIG: kubeconfig,
    MESHGATE_NAMESPACE: opts.namespace,
    // Each Pod has a network of its own; local processes share one, so the metrics port is any free one.
    ...(env['MESHGATE_METRICS_LISTEN'] ? { MESHGATE_METRICS_LISTEN: '127.0.0.1:0' } : {}),
  };
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MESHGATE_')));
  const logFile = join(opts.dir, `${opts.deployment}.log`);
  (opts.progress ?? silent)(`starting ${opts.deployment} as its Deployment describes it, on https://127.0.0.1:${opts.port}`);
  const daemon = startDaemon({
    name: opts.deployment,
    cmd: process.execPath,
    args: [MESHGATE_BIN, ...(container.args ?? [])],
    logFile,
    cwd: REPO_ROOT,
    env: { ...clean, ...env, ...local },
  });
  return { name: opts.deployment, url: `https://127.0.0.1:${opts.port}`, port: opts.port, logFile, daemon, env, stop: () => daemon.stop() };
}
