// ListenerSets and the Gateways they extend: the parent must exist (MG201) and admit them in
// allowedListeners (MG208), and no two listeners of a Gateway and its ListenerSets may claim
// one port with protocols that cannot share it, or the same protocol and hostname (MG305).
import type { Finding } from '../codes.js';
import { describe, finding, nsName, ref, reportsPair, type Rule } from '../finding.js';
import { listenersOf, listenerSetsOf, namespaceAdmits, type Listener } from '../listeners.js';
import { GATEWAY_API, obj, sameObject, str, type Entry, type Model } from '../model.js';

/** Protocols that can share a port: HTTPS and TLS both select by SNI; the others need a port of their own. */
function family(protocol: string): string {
  return protocol === 'HTTPS' || protocol === 'TLS' ? 'SNI' : protocol;
}

function conflictOf(a: Listener, b: Listener): string | undefined {
  if (a.port === undefined || a.port !== b.port) return undefined;
  if (family(a.protocol) !== family(b.protocol)) return `both use port ${a.port}, with protocols ${a.protocol} and ${b.protocol} that cannot share a port`;
  if (a.protocol === b.protocol && (a.hostname ?? '') === (b.hostname ?? ''))
    return `both use port ${a.port}, protocol ${a.protocol} and ${a.hostname ? `hostname ${a.hostname}` : 'no hostname'}`;
  return undefined;
}

function listenerConflicts(mine: readonly Listener[], others: readonly Listener[], subject: Entry): Finding[] {
  const out: Finding[] = [];
  for (const a of mine) {
    for (const b of others) {
      if (a === b || (a.owner === b.owner && b.index <= a.index)) continue;
      const why = conflictOf(a, b);
      if (!why) continue;
      const where = b.owner === subject ? 'of the same object' : `of ${describe(b.owner)}`;
      out.push(
        finding(
          'MG305',
          `listener "${a.name}" conflicts with listener "${b.name}" ${where}: ${why}; the conflicting listener is not programmed`,
          'give one of them another port, or a distinct hostname with a protocol that can share the port',
          [ref(subject, `spec.listeners[${a.index}]`), ref(b.owner, `spec.listeners[${b.index}]`)],
        ),
      );
    }
  }
  return out;
}

function parentsOf(ls: Entry, model: Model): { path: string; namespace: string; name: string; gateways: readonly Entry[] } {
  const p = obj(ls.spec['parentRef']);
  const namespace = str(p['namespace']) || ls.namespace;
  const name = str(p['name']);
  return { path: 'spec.parentRef', namespace, name, gateways: model.named(GATEWAY_API, 'Gateway', namespace, name) };
}

function listenerSetProblems(ls: Entry, model: Model): Finding[] {
  const parent = parentsOf(ls, model);
  if (!parent.name) return [];
  if (parent.gateways.length === 0) {
    if (!model.covers(GATEWAY_API, 'Gateway', parent.namespace)) return [];
    return [
      finding(
        'MG201',
        `spec.parentRef names Gateway ${nsName(parent.namespace, parent.name)}, which does not exist; none of this ListenerSet's listeners is programmed`,
        `name an existing Gateway, or create Gateway ${nsName(parent.namespace, parent.name)}`,
        [ref(ls, 'spec.parentRef.name')],
      ),
    ];
  }
  const gw = parent.gateways[0] as Entry;
  const policy = obj(obj(gw.spec['allowedListeners'])['namespaces']);
  if (namespaceAdmits(policy, gw.namespace, ls.namespace, model, 'None') === false) {
    const from = str(policy['from']) || 'None';
    return [
      finding(
        'MG208',
        `${describe(gw)} does not admit ListenerSets from ${ls.namespace} (spec.allowedListeners.namespaces.from is ${from}${from === 'None' ? ', the default' : ''})`,
        `set spec.allowedListeners.namespaces on ${describe(gw)} to admit ${ls.namespace} (from: Same, Selector or All)`,
        [ref(ls, 'spec.parentRef'), ref(gw, 'spec.allowedListeners')],
      ),
    ];
  }
  const siblings = listenerSetsOf(gw, model).filter((o) => !sameObject(o, ls) && reportsPair(ls, o));
  return listenerConflicts(listenersOf(ls), [...listenersOf(gw), ...siblings.flatMap(listenersOf)], ls);
}

function gatewayProblems(gw: Entry, model: Model): Finding[] {
  const own = listenersOf(gw);
  const out = listenerConflicts(own, own, gw);
  if (gw.index < 0) out.push(...listenerConflicts(own, listenerSetsOf(gw, model).flatMap(listenersOf), gw));
  return out;
}

export const listenerSetRules: readonly Rule[] = [
  { kinds: [`${GATEWAY_API}/ListenerSet`], run: listenerSetProblems },
  { kinds: [`${GATEWAY_API}/Gateway`], run: gatewayProblems },
];
