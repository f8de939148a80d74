// Helpers for the scenario files: the run's kubectl, fresh namespaces, Pods and the checks
// that read injection out of a stored Pod.
import { randomBytes } from 'node:crypto';
import { expect, inject } from 'vitest';
import { waitForServiceAccount } from './cluster/index.js';
import { kubectlFor, type Kubectl } from './cluster/kubectl.js';
import { fetchMetrics, metricValue, type MeshgateInfo } from './cluster/meshgate.js';
import { waitFor } from './cluster/net.js';
import type { E2EContext } from './context.js';

export function e2e(): E2EContext {
  return inject('e2e');
}

export function kubectl(): Kubectl {
  const ctx = e2e();
  return kubectlFor(ctx.kubectl, ctx.kubeconfig);
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}

/** Creates a namespace with the given labels and waits until Pods can be created in it. */
export async function createNamespace(prefix: string, labels: Readonly<Record<string, string>> = {}): Promise<string> {
  const k = kubectl();
  const name = uniqueName(prefix);
  const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
  await k.ok(['create', '-f', '-'], { input: JSON.stringify(ns) });
  await waitForServiceAccount(k, name);
  return name;
}

export interface EnvVar {
  readonly name: string;
  readonly value?: string;
}

export interface Container {
  readonly name: string;
  readonly image: string;
  readonly restartPolicy?: string;
  readonly env?: readonly EnvVar[];
}

export interface Pod {
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly spec: { readonly containers: readonly Container[]; readonly initContainers?: readonly Container[] };
}

export interface PodOptions {
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly containers?: readonly Container[];
}

export const APP_IMAGE = 'registry.e2e.meshgate.test/app:1.0';

export function podManifest(name: string, namespace: string, opts: PodOptions = {}): object {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: opts.labels ?? {}, annotations: opts.annotations ?? {} },
    spec: { containers: opts.containers ?? [{ name: 'app', image: APP_IMAGE, ports: [{ containerPort: 8080 }] }] },
  };
}

/** `kubectl apply -f -` of objects given as data; returns kubectl's exit code and output. */
export function apply(objects: object | readonly object[], extraArgs: readonly string[] = []): ReturnType<Kubectl['run']> {
  const items = Array.isArray(objects) ? objects : [objects];
  return kubectl().run(['apply', '-f', '-', ...extraArgs], { input: items.map((o) => JSON.stringify(o)).join('\n---\n') });
}

/** Applies a Pod (failing the test with kubectl's stderr if refused) and returns it as stored. */
export async function createPod(name: string, namespace: string, opts: PodOptions = {}): Promise<Pod> {
  const res = await apply(podManifest(name, namespace, opts));
  expect(res.code, `kubectl apply of Pod ${namespace}/${name} failed:\n${res.stderr}`).toBe(0);
  return getPod(namespace, name);
}

export function getPod(namespace: string, name: string): Promise<Pod> {
  return kubectl().json<Pod>(['get', 'pod', name, '-n', namespace]);
}

/** Waits for the Pods matching a label selector (created by a controller) and returns them. */
export async function waitForPods(namespace: string, selector: string, timeoutMs = 90_000): Promise<Pod[]> {
  let pods: Pod[] = [];
  await waitFor(
    async () => {
      pods = (await kubectl().json<{ items: Pod[] }>(['get', 'pods', '-n', namespace, '-l', selector])).items;
      return pods.length > 0;
    },
    { what: `Pods ${selector} in ${namespace}`, timeoutMs, intervalMs: 500 },
  );
  return pods;
}

const names = (cs: readonly Container[] | undefined): string[] => (cs ?? []).map((c) => c.name);

export function container(pod: Pod, name: string): Container | undefined {
  return [...(pod.spec.initContainers ?? []), ...pod.spec.containers].find((c) => c.name === name);
}

export const STATUS_ANNOTATION = 'sidecar.istio.io/status';

export interface SidecarStatus {
  readonly initContainers: string[] | null;
  readonly containers: string[] | null;
  readonly revision?: string;
}

export function sidecarStatus(pod: Pod): SidecarStatus | undefined {
  const raw = pod.metadata.annotations?.[STATUS_ANNOTATION];
  return raw === undefined ? undefined : (JSON.parse(raw) as SidecarStatus);
}

/** The stored Pod carries the init and proxy containers (native or classic) and the status annotation. */
export function expectInjected(pod: Pod, nativeSidecars: boolean): void {
  const where = `Pod ${pod.metadata.namespace}/${pod.metadata.name}`;
  const init = names(pod.spec.initContainers);
  const main = names(pod.spec.containers);
  expect(init, `${where}: initContainers`).toContain('istio-init');
  if (nativeSidecars) {
    expect(init, `${where}: native sidecar in initContainers`).toContain('istio-proxy');
    expect(init.indexOf('istio-proxy'), `${where}: istio-proxy after istio-init`).toBeGreaterThan(init.indexOf('istio-init'));
    expect(container(pod, 'istio-proxy')?.restartPolicy, `${where}: native sidecar restartPolicy`).toBe('Always');
    expect(main, `${where}: containers`).not.toContain('istio-proxy');
  } else {
    expect(main, `${where}: classic sidecar in containers`).toContain('istio-proxy');
    expect(init, `${where}: initContainers`).not.toContain('istio-proxy');
  }
  expect(pod.metadata.annotations?.[STATUS_ANNOTATION], `${where}: ${STATUS_ANNOTATION} annotation`).toBeDefined();
}

export function expectNotInjected(pod: Pod): void {
  const where = `Pod ${pod.metadata.namespace}/${pod.metadata.name}`;
  const all = [...names(pod.spec.initContainers), ...names(pod.spec.containers)];
  expect(all, `${where}: containers`).not.toContain('istio-proxy');
  expect(all, `${where}: containers`).not.toContain('istio-init');
  expect(pod.metadata.annotations?.[STATUS_ANNOTATION], `${where}: ${STATUS_ANNOTATION}`).toBeUndefined();
}

export function envValue(c: Container | undefined, name: string): string | undefined {
  return c?.env?.find((e) => e.name === name)?.value;
}

/** Reads a counter from meshgate's /metrics (sum over label sets). */
export async function counter(mg: MeshgateInfo, name: string, labels: Readonly<Record<string, string>> = {}): Promise<number> {
  return metricValue(await fetchMetrics(mg), name, labels);
}
