// Objects that each pass on their own but contradict each other: two VirtualServices for one
// host on the mesh (MG301) or on one Gateway (MG302), and Sidecars of one namespace that can
// select the same workload (MG303) or that have no selector at all (MG304).
import type { Finding } from '../codes.js';
import { describe, finding, memo, reportsPair, ref, type Rule } from '../finding.js';
import { fqdn } from '../hosts.js';
import { ISTIO, list, obj, sameObject, str, stringMap, type Entry, type Model } from '../model.js';
import { gatewayRef } from './istio-refs.js';

interface Claim {
  readonly vs: Entry;
  readonly hostIndex: number;
  readonly host: string;
  /** `mesh` or the Gateway's `namespace/name`. */
  readonly gateway: string;
}

function claimsOf(vs: Entry): Claim[] {
  const gateways = list(vs.spec['gateways'])
    .map(str)
    .filter((g) => g !== '');
  const bound = (gateways.length === 0 ? ['mesh'] : gateways).map((g) => {
    if (g === 'mesh') return 'mesh';
    const r = gatewayRef(g, vs.namespace);
    return `${r.namespace}/${r.name}`;
  });
  return list(vs.spec['hosts']).flatMap((h, hostIndex) => bound.map((gateway) => ({ vs, hostIndex, host: fqdn(str(h), vs.namespace), gateway })));
}

/** Whether both VirtualServices are visible to the same proxies (exportTo). */
function sharedVisibility(a: Entry, b: Entry): boolean {
  if (a.namespace === b.namespace) return true;
  const wide = (e: Entry): boolean => {
    const exportTo = list(e.spec['exportTo']).map(str);
    return exportTo.length === 0 || exportTo.includes('*');
  };
  return wide(a) && wide(b);
}

function hostConflicts(vs: Entry, model: Model): Finding[] {
  const index = memo(model, 'vs-claims', () => {
    const m = new Map<string, Claim[]>();
    for (const e of model.of(ISTIO, 'VirtualService')) for (const c of claimsOf(e)) m.set(`${c.gateway}|${c.host}`, [...(m.get(`${c.gateway}|${c.host}`) ?? []), c]);
    return m;
  });
  const out: Finding[] = [];
  for (const c of claimsOf(vs)) {
    const other = (index.get(`${c.gateway}|${c.host}`) ?? []).find((o) => !sameObject(o.vs, vs) && reportsPair(vs, o.vs) && (c.gateway !== 'mesh' || sharedVisibility(vs, o.vs)));
    if (!other) continue;
    const onMesh = c.gateway === 'mesh';
    out.push(
      finding(
        onMesh ? 'MG301' : 'MG302',
        onMesh
          ? `host ${c.host} is also routed for the mesh by ${describe(other.vs)}; sidecars use only one of the two VirtualServices`
          : `host ${c.host} on Gateway ${c.gateway} is also routed by ${describe(other.vs)}; the gateway merges their routes in no defined order`,
        `route ${c.host} in one VirtualService (merge the two), or give them different hosts`,
        [ref(vs, `spec.hosts[${c.hostIndex}]`), ref(other.vs, `spec.hosts[${other.hostIndex}]`)],
      ),
    );
  }
  return out;
}

function selectorOf(sidecar: Entry): Readonly<Record<string, string>> | undefined {
  const labels = stringMap(obj(sidecar.spec['workloadSelector'])['labels']);
  return Object.keys(labels).length > 0 ? labels : undefined;
}

const selects = (selector: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>): boolean => Object.entries(selector).every(([k, v]) => labels[k] === v);

/** Could one workload carry labels both selectors require? (No key with two different values.) */
function compatible(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  return Object.entries(a).every(([k, v]) => b[k] === undefined || b[k] === v);
}

function sidecarConflicts(sc: Entry, model: Model): Finding[] {
  const mine = selectorOf(sc);
  const workloads = model.workloadsIn(sc.namespace);
  const out: Finding[] = [];
  for (const other of model.inNamespace(ISTIO, 'Sidecar', sc.namespace)) {
    if (sameObject(other, sc) || !reportsPair(sc, other)) continue;
    const theirs = selectorOf(other);
    if (!mine && !theirs) {
      out.push(
        finding(
          'MG304',
          `namespace ${sc.namespace} already has a Sidecar without a workloadSelector (${describe(other)}); which one applies is not defined`,
          'keep one Sidecar without a workloadSelector per namespace (merge them), and give the others a workloadSelector',
          [ref(sc), ref(other)],
        ),
      );
      continue;
    }
    if (!mine || !theirs) continue;
    const both = workloads.filter((w) => selects(mine, w.labels) && selects(theirs, w.labels));
    const overlap = workloads.length > 0 ? both.length > 0 : compatible(mine, theirs);
    if (!overlap) continue;
    const whom = both.length > 0 ? `both select ${describe(both[0]?.entry as Entry)}` : 'a workload with the labels of both selectors would be selected by both';
    out.push(
      finding(
        'MG303',
        `workloadSelector overlaps with that of ${describe(other)}: ${whom}; which Sidecar applies to it is not defined`,
        'make the workloadSelectors select disjoint workloads (a label with different values)',
        [ref(sc, 'spec.workloadSelector'), ref(other, 'spec.workloadSelector')],
      ),
    );
  }
  return out;
}

export const conflictRules: readonly Rule[] = [
  { kinds: [`${ISTIO}/VirtualService`], run: hostConflicts },
  { kinds: [`${ISTIO}/Sidecar`], run: sidecarConflicts },
];
