// Gateway API listeners as a controller attaches routes to them: the listeners of a Gateway
// and of the ListenerSets attached to it, which route kinds a listener accepts (its protocol
// or allowedRoutes.kinds), from which namespaces (Same, All, Selector), and label selectors.
import { parseSelector, requirementMatches } from '../inject/decide/selectors.js';
import type { Json } from '../lib/json.js';
import { GATEWAY_API, list, obj, str, type Entry, type Model, type Obj } from './model.js';

export interface Listener {
  /** The Gateway or ListenerSet that declares it. */
  readonly owner: Entry;
  readonly index: number;
  readonly name: string;
  readonly port: number | undefined;
  readonly protocol: string;
  readonly hostname: string | undefined;
  readonly raw: Obj;
}

export function listenersOf(owner: Entry): Listener[] {
  return list(owner.spec['listeners']).map((l, index) => {
    const o = obj(l);
    return {
      owner,
      index,
      name: str(o['name']),
      port: typeof o['port'] === 'number' ? o['port'] : undefined,
      protocol: str(o['protocol']),
      hostname: str(o['hostname']) || undefined,
      raw: o,
    };
  });
}

/** Route kinds a protocol takes when allowedRoutes.kinds is not set; other protocols take any. */
const DEFAULT_KINDS: Readonly<Record<string, readonly string[]>> = {
  HTTP: ['HTTPRoute', 'GRPCRoute'],
  HTTPS: ['HTTPRoute', 'GRPCRoute'],
  TLS: ['TLSRoute', 'TCPRoute'],
  TCP: ['TCPRoute'],
  UDP: ['UDPRoute'],
};

export function kindsAllowed(l: Listener): readonly string[] | undefined {
  const kinds = list(obj(l.raw['allowedRoutes'])['kinds']).map(obj);
  if (kinds.length > 0) return kinds.filter((k) => (str(k['group']) || GATEWAY_API) === GATEWAY_API).map((k) => str(k['kind']));
  return Object.hasOwn(DEFAULT_KINDS, l.protocol) ? DEFAULT_KINDS[l.protocol] : undefined;
}

/** Does a LabelSelector object select these labels? An empty selector selects everything. */
export function labelSelectorMatches(selector: unknown, labels: Readonly<Record<string, string>>): boolean {
  const parsed = parseSelector(obj(selector) as Json);
  return typeof parsed !== 'string' && parsed.requirements.every((r) => requirementMatches(r, labels));
}

/**
 * Whether `from` (Same, All, Selector, None) admits an object of `namespace` into something in
 * `home`; undefined when a Selector needs a Namespace the input does not describe.
 */
export function namespaceAdmits(policy: Obj, home: string, namespace: string, model: Model, fallback = 'Same'): boolean | undefined {
  const from = str(policy['from']) || fallback;
  if (from === 'All') return true;
  if (from === 'Same') return namespace === home;
  if (from === 'Selector') {
    const labels = model.namespaceLabels(namespace);
    return labels === undefined ? undefined : labelSelectorMatches(policy['selector'], labels);
  }
  return false;
}

/** Why a listener does not accept a route, or undefined when it does (or cannot be known). */
export function refusal(l: Listener, route: Entry, model: Model): string | undefined {
  const kinds = kindsAllowed(l);
  if (kinds && !kinds.includes(route.kind)) return `listener "${l.name}" (${l.protocol}) accepts ${kinds.join(', ') || 'no route kinds'}, not ${route.kind}`;
  const ns = obj(obj(l.raw['allowedRoutes'])['namespaces']);
  const admitted = namespaceAdmits(ns, l.owner.namespace, route.namespace, model);
  if (admitted === false) {
    const from = str(ns['from']) || 'Same';
    return `listener "${l.name}" accepts routes from ${from === 'Same' ? `its own namespace (${l.owner.namespace}) only (allowedRoutes.namespaces.from defaults to Same)` : from === 'Selector' ? `namespaces matching its selector, and ${route.namespace} does not match` : 'no namespace'}`;
  }
  return undefined;
}

const attached = new WeakMap<Model, Map<string, Entry[]>>();

/** The ListenerSets attached to a Gateway (by their parentRef), indexed once per model. */
export function listenerSetsOf(gateway: Entry, model: Model): readonly Entry[] {
  let index = attached.get(model);
  if (!index) {
    index = new Map();
    for (const ls of model.of(GATEWAY_API, 'ListenerSet')) {
      const p = obj(ls.spec['parentRef']);
      if ((str(p['kind']) || 'Gateway') !== 'Gateway') continue;
      const key = `${str(p['namespace']) || ls.namespace}/${str(p['name'])}`;
      index.set(key, [...(index.get(key) ?? []), ls]);
    }
    attached.set(model, index);
  }
  return index.get(`${gateway.namespace}/${gateway.name}`) ?? [];
}
