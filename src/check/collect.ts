// The I/O of `meshgate check`: one read of everything the checks look at, through a kubeconfig
// (the operator's, not meshgate's ServiceAccount), and a TLS probe of every URL endpoint. What
// cannot be read is recorded as a problem and the checks that need it say so; nothing here
// decides anything.
import type { V1Lease, V1Pod } from '@kubernetes/client-node';
import { kubeconfigAccess } from '../cluster/api/kube-auth.js';
import { createHttp } from '../cluster/api/kube-http.js';
import { heartbeatSelector, SERVING_ANNOTATION } from '../cluster/duties/leases.js';
import { kubeOver, messageOf, statusOf, type Kube } from '../cluster/api/kube.js';
import { endpointOf, entriesOf, isMeshgate, type Entry, type LeaseState, type PodState, type Probe, type ServiceState, type Snapshot } from './model.js';
import { probeUrl } from './probe.js';

export interface CollectOptions {
  /** The kubeconfig file (the CLI resolves --kubeconfig, $KUBECONFIG, ~/.kube/config). */
  readonly kubeconfig: string;
  readonly context?: string;
  readonly meshgateNamespace: string;
  readonly names: Snapshot['names'];
  /** Namespaces whose Pods to read; undefined reads all. */
  readonly podNamespaces?: readonly string[];
  readonly timeoutMs?: number;
  readonly progress?: (line: string) => void;
}

type Clients = Kube;

/** The API through the kubeconfig's current context (or `context`); throws a one-line error. */
export function clients(kubeconfig: string, context: string | undefined, timeoutMs: number): Clients {
  return kubeOver(createHttp(kubeconfigAccess(kubeconfig, context), timeoutMs));
}

function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from the API server within ${ms} ms (${what})`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

const leaseState = (l: V1Lease): LeaseState => ({
  name: l.metadata?.name ?? '',
  holder: l.spec?.holderIdentity ?? '',
  ...(l.spec?.renewTime ? { renewTime: new Date(l.spec.renewTime) } : {}),
  durationSeconds: l.spec?.leaseDurationSeconds ?? 15,
  ...(l.metadata?.annotations?.[SERVING_ANNOTATION] ? { serving: l.metadata.annotations[SERVING_ANNOTATION] } : {}),
});

function podState(p: V1Pod): PodState {
  const owner = p.metadata?.ownerReferences?.find((o) => o.controller) ?? p.metadata?.ownerReferences?.[0];
  return {
    namespace: p.metadata?.namespace ?? '',
    name: p.metadata?.name ?? '',
    labels: p.metadata?.labels ?? {},
    annotations: p.metadata?.annotations ?? {},
    hostNetwork: p.spec?.hostNetwork === true,
    phase: p.status?.phase ?? '',
    ...(owner ? { owner: `${owner.kind} ${owner.name}` } : {}),
  };
}

interface Slice {
  endpoints?: { conditions?: { ready?: boolean } }[];
}

async function serviceState(c: Clients, namespace: string, name: string): Promise<ServiceState> {
  try {
    await c.core.readNamespacedService({ name, namespace });
  } catch (e) {
    if (statusOf(e) === 404) return { exists: false, ready: 0, notReady: 0 };
    throw e;
  }
  const slices = (await c.custom.listNamespacedCustomObject({
    group: 'discovery.k8s.io',
    version: 'v1',
    namespace,
    plural: 'endpointslices',
    labelSelector: `kubernetes.io/service-name=${name}`,
  })) as { items?: Slice[] };
  const all = (slices.items ?? []).flatMap((s) => s.endpoints ?? []);
  const ready = all.filter((e) => e.conditions?.ready !== false).length;
  return { exists: true, ready, notReady: all.length - ready };
}

async function allPods(c: Clients, namespaces: readonly string[] | undefined): Promise<PodState[]> {
  const out: PodState[] = [];
  const pages = async (list: (cont?: string) => Promise<{ items: V1Pod[]; metadata?: { _continue?: string } }>): Promise<void> => {
    let cont: string | undefined;
    do {
      const page = await list(cont);
      out.push(...page.items.filter((p) => !p.metadata?.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed').map(podState));
      cont = page.metadata?._continue || undefined;
    } while (cont);
  };
  if (namespaces) for (const namespace of namespaces) await pages(async (cont) => c.core.listNamespacedPod({ namespace, limit: 500, ...(cont ? { _continue: cont } : {}) }));
  else await pages(async (cont) => c.core.listPodForAllNamespaces({ limit: 500, ...(cont ? { _continue: cont } : {}) }));
  return out;
}

export async function collect(opts: CollectOptions): Promise<Snapshot> {
  const t = opts.timeoutMs ?? 15_000;
  const c = clients(opts.kubeconfig, opts.context, t);
  const problems: string[] = [];
  const attempt = async <T>(what: string, call: () => Promise<T>, fallback: T): Promise<T> => {
    try {
      return await within(t, what, call());
    } catch (e) {
      problems.push(`cannot read ${what}: ${messageOf(e)}`);
      return fallback;
    }
  };
  opts.progress?.(`reading webhook configurations, Namespaces and Pods from ${c.server}`);
  // The first call says whether the API server is there at all: a failure here is fatal.
  const mutating = await within(t, 'MutatingWebhookConfigurations', c.admission.listMutatingWebhookConfiguration({}));
  const validating = await attempt('ValidatingWebhookConfigurations', () => c.admission.listValidatingWebhookConfiguration({}), { items: [] });
  const entries: Entry[] = [...mutating.items.flatMap((m) => entriesOf('mutating', m)), ...validating.items.flatMap((v) => entriesOf('validating', v)).filter(isMeshgate)];
  const ours = entries.filter(isMeshgate);
  const services: Record<string, ServiceState> = {};
  for (const svc of ours.flatMap((e) => (e.clientConfig.service ? [e.clientConfig.service] : []))) {
    const key = `${svc.namespace}/${svc.name}`;
    services[key] ??= await attempt(`Service ${key} and its endpoints`, () => serviceState(c, svc.namespace, svc.name), { exists: false, ready: 0, notReady: 0 });
  }
  const probes: Record<string, Probe> = {};
  for (const origin of new Set(ours.filter((e) => e.clientConfig.url).map((e) => endpointOf(e.clientConfig)))) {
    opts.progress?.(`probing ${origin}`);
    probes[origin] = await probeUrl(origin, Math.min(t, 5_000));
  }
  const secret = await secretCert(c, opts, t);
  const leader = await attempt(
    `Lease ${opts.meshgateNamespace}/${opts.names.lease}`,
    async () => {
      try {
        return leaseState(await c.coordination.readNamespacedLease({ name: opts.names.lease, namespace: opts.meshgateNamespace }));
      } catch (e) {
        if (statusOf(e) === 404) return undefined;
        throw e;
      }
    },
    undefined,
  );
  const heartbeats = await attempt(
    'heartbeat Leases',
    async () => (await c.coordination.listNamespacedLease({ namespace: opts.meshgateNamespace, labelSelector: heartbeatSelector(opts.names.lease) })).items.map(leaseState),
    [],
  );
  const namespaces = (await attempt('Namespaces', () => c.core.listNamespace(), { items: [] })).items.map((n) => ({
    name: n.metadata?.name ?? '',
    labels: n.metadata?.labels ?? {},
  }));
  const pods = await attempt('Pods', () => allPods(c, opts.podNamespaces), []);
  return {
    now: new Date(),
    meshgateNamespace: opts.meshgateNamespace,
    names: opts.names,
    entries,
    services,
    probes,
    secret,
    ...(leader ? { leader } : {}),
    heartbeats,
    namespaces,
    pods,
    problems,
  };
}

async function secretCert(c: Clients, opts: CollectOptions, t: number): Promise<Snapshot['secret']> {
  try {
    const s = await within(t, 'the certificate Secret', c.core.readNamespacedSecret({ name: opts.names.secret, namespace: opts.meshgateNamespace }));
    const cert = s.data?.['tls.crt'];
    return cert ? { cert: Buffer.from(cert, 'base64').toString('utf8') } : { error: 'has no tls.crt' };
  } catch (e) {
    if (statusOf(e) === 404)
      return { error: 'not found (meshgate does not run in cluster mode here, or uses another --secret-name): certificates are checked only where meshgate serves them at a URL' };
    return { error: `cannot be read (${messageOf(e)}): the caBundle of Service-based entries is not checked` };
  }
}
