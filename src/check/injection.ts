// Like `istioctl x check-inject`, from the webhook configurations in the cluster: for each
// namespace (a Pod with no labels of its own) or a given Pod, which injector entries select it,
// for which revision (a tag resolved to its revision), and which running Pods lack the sidecar
// they should have, or carry one of another revision than would inject them now. meshgate's and
// istiod's own checks inside the webhook (host network, the sidecar.istio.io/inject annotation)
// are applied; the injection policy and never/always selectors of values are not (use explain).
import { entryId, isIstioInjector, isMeshgateInjector, revisionOf, type Entry, type Finding, type PodState, type Snapshot } from './model.js';
import { selects } from './selectors.js';

export interface Selection {
  readonly entry: string;
  readonly injector: 'meshgate' | 'istiod';
  readonly revision: string;
  readonly tag?: string;
}

export interface NamespaceReport {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly selectedBy: readonly Selection[];
  readonly message: string;
}

export interface PodReport {
  readonly namespace: string;
  readonly name: string;
  readonly owner?: string;
  readonly selectedBy: readonly Selection[];
  readonly sidecar: boolean;
  readonly status: 'injected' | 'missing' | 'twice' | 'other-revision' | 'not-selected' | 'opted-out';
  readonly message: string;
}

const injectors = (s: Snapshot): Entry[] => s.entries.filter((e) => e.podCreate && (isMeshgateInjector(e) || isIstioInjector(e)));

function selection(e: Entry): Selection {
  return { entry: entryId(e), injector: isMeshgateInjector(e) ? 'meshgate' : 'istiod', ...revisionOf(e) };
}

function selectedBy(s: Snapshot, namespace: string, podLabels: Readonly<Record<string, string>>): Selection[] {
  const ns = s.namespaces.find((n) => n.name === namespace);
  const labels = { 'kubernetes.io/metadata.name': namespace, ...(ns?.labels ?? {}) };
  return injectors(s)
    .filter((e) => selects(e.namespaceSelector, labels) && selects(e.objectSelector, podLabels))
    .map(selection);
}

const who = (x: Selection): string => `${x.entry} (${x.injector}, revision ${x.revision}${x.tag ? ` through tag ${x.tag}` : ''})`;

function verdictText(sel: readonly Selection[]): string {
  if (sel.length === 0) return 'not injected: no injector entry selects these Pods';
  if (sel.length === 1) return `injected by ${who(sel[0] as Selection)}`;
  return `injected twice, by ${sel.map(who).join(' and ')}`;
}

export function namespaceReports(s: Snapshot, only: readonly string[] | undefined): NamespaceReport[] {
  const names = only && only.length > 0 ? only : s.namespaces.map((n) => n.name).filter((n) => selectedBy(s, n, {}).length > 0);
  return names.map((name) => {
    const sel = selectedBy(s, name, {});
    const labels = s.namespaces.find((n) => n.name === name)?.labels ?? {};
    const exists = s.namespaces.some((n) => n.name === name);
    return { name, labels, selectedBy: sel, message: exists ? `a Pod without injection labels is ${verdictText(sel)}` : 'no such namespace' };
  });
}

function podStatus(p: PodState, sel: readonly Selection[]): Pick<PodReport, 'status' | 'message'> {
  const sidecar = p.annotations['sidecar.istio.io/status'] !== undefined;
  const injectedFor = p.annotations['istio.io/rev'];
  if (sel.length > 1) return { status: 'twice', message: verdictText(sel) };
  if (sel.length === 0)
    return { status: 'not-selected', message: sidecar ? `no injector selects it now; it carries a sidecar of revision ${injectedFor ?? '(unknown)'}` : 'no injector selects it' };
  const s0 = sel[0] as Selection;
  if (p.hostNetwork || p.annotations['sidecar.istio.io/inject'] === 'false')
    return {
      status: 'opted-out',
      message: `selected by ${who(s0)}, but ${p.hostNetwork ? 'it uses the host network' : 'its annotation sidecar.istio.io/inject is "false"'}, so the injector skips it`,
    };
  if (!sidecar)
    return {
      status: 'missing',
      message: `selected by ${who(s0)}, but it has no sidecar: it was created before injection applied to it, or while the webhook was bypassed; restart its workload`,
    };
  if (injectedFor !== undefined && injectedFor !== s0.revision)
    return {
      status: 'other-revision',
      message: `carries a sidecar of revision ${injectedFor}, and ${who(s0)} would inject revision ${s0.revision} now; restart its workload to move it`,
    };
  return { status: 'injected', message: `has the sidecar of revision ${injectedFor ?? s0.revision}` };
}

export function podReports(s: Snapshot, filter: (p: PodState) => boolean): PodReport[] {
  return s.pods.filter(filter).map((p) => {
    const sel = selectedBy(s, p.namespace, p.labels);
    return {
      namespace: p.namespace,
      name: p.name,
      ...(p.owner ? { owner: p.owner } : {}),
      selectedBy: sel,
      sidecar: p.annotations['sidecar.istio.io/status'] !== undefined,
      ...podStatus(p, sel),
    };
  });
}

const STATUS: Readonly<Record<PodReport['status'], Finding['status']>> = {
  injected: 'ok',
  'not-selected': 'ok',
  'opted-out': 'info',
  missing: 'warning',
  'other-revision': 'info',
  twice: 'error',
};

export function injectionFindings(namespaces: readonly NamespaceReport[], pods: readonly PodReport[], podsAsked: boolean): Finding[] {
  const out: Finding[] = namespaces.map((n) => ({
    check: 'injection',
    status: n.selectedBy.length > 1 ? 'error' : n.message === 'no such namespace' ? 'error' : 'ok',
    subject: `namespace ${n.name}`,
    message: n.message,
  }));
  const shown = podsAsked ? pods : pods.filter((p) => STATUS[p.status] !== 'ok');
  out.push(...shown.map((p) => ({ check: 'pods', status: STATUS[p.status], subject: `Pod ${p.namespace}/${p.name}${p.owner ? ` (${p.owner})` : ''}`, message: p.message })));
  const missing = pods.filter((p) => p.status === 'missing').length;
  if (!podsAsked)
    out.push({
      check: 'pods',
      status: missing > 0 ? 'warning' : 'ok',
      subject: 'running Pods',
      message: missing > 0 ? `${missing} of ${pods.length} Pod(s) lack the sidecar they should have` : `all ${pods.length} Pod(s) that an injector selects have their sidecar`,
    });
  return out;
}
