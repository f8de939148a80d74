// Other mutating webhooks that select the same Pods as meshgate's injector: istiod's injector
// (istio-sidecar-injector and its revision tags istio-revision-tag-*), another meshgate
// revision, or any webhook that mutates Pod creations. Two sidecar injectors on one Pod inject it
// twice (the second re-injects over the first); that is an error. Any other Pod mutator is
// worth knowing about: it runs in name order with meshgate and sees, or is seen by, its changes.
//
// Overlap is judged on the cluster's namespaces: both namespace selectors hold for the namespace
// and some Pod labels satisfy both object selectors. When no namespace is in both today, but
// labels could put one there, that is a warning.
import { entryId, isIstioInjector, isMeshgateInjector, revisionOf, type Entry, type Finding, type Snapshot } from './model.js';
import { satisfiable, selects } from './selectors.js';

export interface Overlap {
  readonly meshgate: Entry;
  readonly other: Entry;
  /** Namespaces where both are called for some Pod. */
  readonly namespaces: readonly string[];
  /** No namespace today, but a labelled one could be. */
  readonly possible: boolean;
}

const nsLabels = (ns: Snapshot['namespaces'][number]): Record<string, string> => ({ 'kubernetes.io/metadata.name': ns.name, ...ns.labels });

export function overlaps(s: Snapshot): Overlap[] {
  const ours = s.entries.filter((e) => e.podCreate && isMeshgateInjector(e));
  const others = s.entries.filter((e) => e.podCreate && !ours.includes(e));
  const found: Overlap[] = [];
  for (const m of ours) {
    for (const o of others) {
      if (!satisfiable(m.objectSelector, o.objectSelector)) continue;
      const namespaces = s.namespaces.filter((ns) => selects(m.namespaceSelector, nsLabels(ns)) && selects(o.namespaceSelector, nsLabels(ns))).map((ns) => ns.name);
      const possible = namespaces.length === 0 && satisfiable(m.namespaceSelector, o.namespaceSelector);
      if (namespaces.length > 0 || possible) found.push({ meshgate: m, other: o, namespaces, possible });
    }
  }
  // meshgate's own configurations among themselves (two revisions selecting one Pod).
  for (const [i, a] of ours.entries()) {
    for (const b of ours.slice(i + 1)) {
      if (a.configuration === b.configuration || !satisfiable(a.objectSelector, b.objectSelector)) continue;
      const namespaces = s.namespaces.filter((ns) => selects(a.namespaceSelector, nsLabels(ns)) && selects(b.namespaceSelector, nsLabels(ns))).map((ns) => ns.name);
      if (namespaces.length > 0) found.push({ meshgate: a, other: b, namespaces, possible: false });
    }
  }
  return found;
}

function describe(e: Entry): string {
  const { revision, tag } = revisionOf(e);
  const who = isIstioInjector(e)
    ? `istiod's injector (revision ${revision}${tag ? `, tag ${tag}` : ''})`
    : isMeshgateInjector(e)
      ? `meshgate (revision ${revision}${tag ? `, tag ${tag}` : ''})`
      : 'a webhook that mutates Pods';
  return `${entryId(e)}, ${who}`;
}

const listed = (names: readonly string[]): string => (names.length > 5 ? `${names.slice(0, 5).join(', ')} and ${names.length - 5} more` : names.join(', '));

export function overlapFindings(s: Snapshot): Finding[] {
  const all = overlaps(s);
  if (all.length === 0) return [{ check: 'overlap', status: 'ok', subject: 'injectors', message: 'no other mutating webhook selects the Pods meshgate injects' }];
  return all.map((o) => {
    const injector = isIstioInjector(o.other) || isMeshgateInjector(o.other);
    const subject = entryId(o.meshgate);
    if (o.possible) {
      return {
        check: 'overlap',
        status: injector ? 'warning' : 'info',
        subject,
        message: `and ${describe(o.other)} would both be called for a Pod in a namespace that both select (none does today)`,
      };
    }
    const where = `in namespace(s) ${listed(o.namespaces)}`;
    return injector
      ? {
          check: 'overlap',
          status: 'error',
          subject,
          message: `and ${describe(o.other)} both select Pods ${where}: such a Pod is injected twice. Move those namespaces to one injector (docs/migrating-from-istiod.md)`,
        }
      : { check: 'overlap', status: 'info', subject, message: `and ${describe(o.other)} both mutate Pods ${where}; they run in name order` };
  });
}
