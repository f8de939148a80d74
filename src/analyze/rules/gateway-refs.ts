// Gateway API references: routes to their parents (MG201) and listeners (MG202, MG203),
// backendRefs to Services and their ports (MG204, MG205), references into other namespaces
// without a ReferenceGrant (MG206), Gateways to their GatewayClass (MG207).
import type { Finding } from '../codes.js';
import { describe, finding, names, nsName, ref, type Rule } from '../finding.js';
import { listenerAccepts } from '../hosts.js';
import { listenersOf, listenerSetsOf, refusal, type Listener } from '../listeners.js';
import { GATEWAY_API, list, obj, str, type Entry, type Model, type Obj } from '../model.js';

export const ROUTE_KINDS = ['HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute', 'UDPRoute'] as const;

interface Target {
  readonly group: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

function targetOf(r: Obj, from: Entry, defaults: { group: string; kind: string }): Target {
  const group = r['group'] === undefined ? defaults.group : str(r['group']);
  return { group, kind: str(r['kind']) || defaults.kind, namespace: str(r['namespace']) || from.namespace, name: str(r['name']) };
}

/** Listeners a parentRef can attach to: a Gateway's own and those of its ListenerSets, or a ListenerSet's. */
function parentListeners(parent: Entry, model: Model): Listener[] {
  if (parent.kind === 'ListenerSet') return listenersOf(parent);
  return [...listenersOf(parent), ...listenerSetsOf(parent, model).flatMap(listenersOf)];
}

function missingParent(route: Entry, t: Target, path: string, model: Model): Finding | undefined {
  const covered = model.covers(t.group, t.kind, t.namespace);
  if (!covered) return undefined;
  const there = model.inNamespace(t.group, t.kind, t.namespace).map((e) => e.name);
  return finding(
    'MG201',
    `${path} names ${t.kind} ${nsName(t.namespace, t.name)}, which does not exist; the ${route.kind} is not attached anywhere`,
    `name one of the ${t.kind}s in ${t.namespace} (${names(there)}), or create ${t.kind} ${nsName(t.namespace, t.name)}`,
    [ref(route, `${path}.name`)],
  );
}

function sectionProblems(route: Entry, p: Obj, path: string, parent: Entry, model: Model): Finding[] {
  const own = listenersOf(parent);
  const section = str(p['sectionName']);
  const port = typeof p['port'] === 'number' ? p['port'] : undefined;
  let candidates = section ? own.filter((l) => l.name === section) : parentListeners(parent, model);
  if (section && candidates.length === 0) {
    return [
      finding(
        'MG202',
        `${path}.sectionName "${section}" is not a listener of ${describe(parent)} (listeners: ${names(own.map((l) => l.name))})`,
        `use one of the listener names of ${describe(parent)}, or remove sectionName to attach to every listener`,
        [ref(route, `${path}.sectionName`), ref(parent, 'spec.listeners')],
      ),
    ];
  }
  if (port !== undefined) candidates = candidates.filter((l) => l.port === port);
  if (port !== undefined && candidates.length === 0) {
    return [
      finding(
        'MG202',
        `${path}.port ${port} matches no listener of ${describe(parent)}${section ? ` named "${section}"` : ''} (ports: ${names(own.map((l) => String(l.port)))})`,
        `use the port of one of its listeners, or remove port`,
        [ref(route, `${path}.port`), ref(parent, 'spec.listeners')],
      ),
    ];
  }
  if (candidates.length === 0) return [];
  const refusals = candidates.map((l) => refusal(l, route, model));
  if (refusals.some((r) => r === undefined)) return hostnameProblems(route, path, parent, candidates);
  return [
    finding(
      'MG203',
      `${describe(parent)} does not accept this ${route.kind}: ${names(
        refusals.filter((r): r is string => r !== undefined),
        3,
      )}`,
      `attach to a listener that accepts ${route.kind}s from ${route.namespace} (adjust its allowedRoutes), or use another parent`,
      [ref(route, path), ref(parent, 'spec.listeners')],
    ),
  ];
}

function hostnameProblems(route: Entry, _path: string, parent: Entry, candidates: readonly Listener[]): Finding[] {
  const hostnames = list(route.spec['hostnames'])
    .map(str)
    .filter((h) => h !== '');
  if (candidates.some((l) => listenerAccepts(l.hostname, hostnames))) return [];
  return [
    finding(
      'MG203',
      `none of the hostnames ${names(hostnames)} matches a listener hostname of ${describe(parent)} (${names(candidates.map((l) => l.hostname ?? '*'))}), so the route attaches to no listener`,
      `change spec.hostnames to names the listeners serve, or add a listener for them`,
      [ref(route, 'spec.hostnames'), ref(parent, 'spec.listeners')],
    ),
  ];
}

function parentProblems(route: Entry, model: Model): Finding[] {
  return list(route.spec['parentRefs']).flatMap((raw, i) => {
    const p = obj(raw);
    const t = targetOf(p, route, { group: GATEWAY_API, kind: 'Gateway' });
    const path = `spec.parentRefs[${i}]`;
    const known = (t.group === GATEWAY_API && (t.kind === 'Gateway' || t.kind === 'ListenerSet')) || (t.group === '' && t.kind === 'Service');
    if (!known || !t.name) return [];
    const parents = model.named(t.group, t.kind, t.namespace, t.name);
    if (parents.length === 0) return missingParent(route, t, path, model) ?? [];
    if (t.kind === 'Service') return [];
    const all = parents.map((parent) => sectionProblems(route, p, path, parent, model));
    return all.some((f) => f.length === 0) ? [] : (all[0] ?? []);
  });
}

/** Is a reference from `from` to `to` (in another namespace) allowed by a ReferenceGrant there? */
export function granted(from: Entry, to: Target, model: Model): boolean {
  return model.inNamespace(GATEWAY_API, 'ReferenceGrant', to.namespace).some((g) => {
    const fromOk = list(g.spec['from'])
      .map(obj)
      .some((f) => str(f['group']) === from.group && str(f['kind']) === from.kind && str(f['namespace']) === from.namespace);
    const toOk = list(g.spec['to'])
      .map(obj)
      .some((t) => str(t['group']) === to.group && str(t['kind']) === to.kind && (!t['name'] || str(t['name']) === to.name));
    return fromOk && toOk;
  });
}

/** MG206 for a reference into another namespace, when the input describes that namespace. */
export function grantProblem(from: Entry, to: Target, path: string, model: Model): Finding | undefined {
  if (to.namespace === from.namespace || granted(from, to, model)) return undefined;
  if (!model.covers(GATEWAY_API, 'ReferenceGrant', to.namespace) && !model.describes(to.namespace)) return undefined;
  return finding(
    'MG206',
    `${path} refers to ${to.kind} ${nsName(to.namespace, to.name)} in another namespace, and no ReferenceGrant in ${to.namespace} allows ${from.kind}s from ${from.namespace} to refer to it; the reference is refused`,
    `add a ReferenceGrant in ${to.namespace} with from {group: ${from.group}, kind: ${from.kind}, namespace: ${from.namespace}} and to {group: "${to.group}", kind: ${to.kind}}`,
    [ref(from, path)],
  );
}

function backendRefs(route: Entry): { path: string; raw: Obj }[] {
  const out: { path: string; raw: Obj }[] = [];
  list(route.spec['rules']).forEach((rule, i) => {
    const r = obj(rule);
    list(r['backendRefs']).forEach((b, j) => {
      out.push({ path: `spec.rules[${i}].backendRefs[${j}]`, raw: obj(b) });
      list(obj(b)['filters']).forEach((f, k) => {
        const mirror = obj(obj(f)['requestMirror'])['backendRef'];
        if (mirror) out.push({ path: `spec.rules[${i}].backendRefs[${j}].filters[${k}].requestMirror.backendRef`, raw: obj(mirror) });
      });
    });
    list(r['filters']).forEach((f, k) => {
      const mirror = obj(obj(f)['requestMirror'])['backendRef'];
      if (mirror) out.push({ path: `spec.rules[${i}].filters[${k}].requestMirror.backendRef`, raw: obj(mirror) });
    });
  });
  return out;
}

function servicePorts(svc: Entry): number[] {
  return list(svc.spec['ports'])
    .map((p) => obj(p)['port'])
    .filter((p): p is number => typeof p === 'number');
}

function backendProblems(route: Entry, model: Model): Finding[] {
  return backendRefs(route).flatMap(({ path, raw }) => {
    const t = targetOf(raw, route, { group: '', kind: 'Service' });
    if (t.group !== '' || t.kind !== 'Service' || !t.name) return [];
    const out: Finding[] = [];
    const grant = grantProblem(route, t, path, model);
    if (grant) out.push(grant);
    const services = model.named('', 'Service', t.namespace, t.name);
    const port = typeof raw['port'] === 'number' ? raw['port'] : undefined;
    if (services.length === 0 && model.covers('', 'Service', t.namespace)) {
      const there = model.inNamespace('', 'Service', t.namespace).map((s) => s.name);
      out.push(
        finding(
          'MG204',
          `${path} names Service ${nsName(t.namespace, t.name)}, which does not exist; requests for this backend get HTTP 500`,
          `name one of the Services in ${t.namespace} (${names(there)}), or create Service ${nsName(t.namespace, t.name)}`,
          [ref(route, `${path}.name`)],
        ),
      );
    } else if (port !== undefined && services.length > 0 && !services.some((s) => servicePorts(s).includes(port))) {
      const svc = services[0] as Entry;
      out.push(
        finding(
          'MG205',
          `${path}.port ${port} is not a port of Service ${nsName(svc.namespace, svc.name)} (ports: ${names(servicePorts(svc).map(String))})`,
          `use one of the Service's ports (the Service port, not the container's targetPort)`,
          [ref(route, `${path}.port`), ref(svc, 'spec.ports')],
        ),
      );
    }
    return out;
  });
}

function certificateGrants(owner: Entry, model: Model): Finding[] {
  return listenersOf(owner).flatMap((l) =>
    list(obj(l.raw['tls'])['certificateRefs']).flatMap((c, k) => {
      const t = targetOf(obj(c), owner, { group: '', kind: 'Secret' });
      return grantProblem(owner, t, `spec.listeners[${l.index}].tls.certificateRefs[${k}]`, model) ?? [];
    }),
  );
}

function gatewayClassProblem(gw: Entry, model: Model): Finding[] {
  const name = str(gw.spec['gatewayClassName']);
  if (!name || !model.covers(GATEWAY_API, 'GatewayClass', '') || model.named(GATEWAY_API, 'GatewayClass', '', name).length > 0) return [];
  const classes = model.of(GATEWAY_API, 'GatewayClass').map((c) => c.name);
  return [
    finding(
      'MG207',
      `spec.gatewayClassName "${name}" names no GatewayClass (defined: ${names(classes)}); no controller programs this Gateway`,
      `use the name of an installed GatewayClass, or create GatewayClass ${name}`,
      [ref(gw, 'spec.gatewayClassName')],
    ),
  ];
}

export const gatewayReferenceRules: readonly Rule[] = [
  { kinds: ROUTE_KINDS.map((k) => `${GATEWAY_API}/${k}`), run: (route, model) => [...parentProblems(route, model), ...backendProblems(route, model)] },
  { kinds: [`${GATEWAY_API}/Gateway`], run: (gw, model) => [...gatewayClassProblem(gw, model), ...certificateGrants(gw, model)] },
  { kinds: [`${GATEWAY_API}/ListenerSet`], run: (ls, model) => certificateGrants(ls, model) },
];
