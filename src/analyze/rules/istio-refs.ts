// References from Istio VirtualServices that no single-object check can see: the Gateways
// they bind to (MG101) and whether those serve their hosts (MG104), the hosts their routes
// send traffic to (MG102), and the DestinationRule subsets they name (MG103).
import type { Finding } from '../codes.js';
import { describe, finding, memo, names, nsName, ref, type Rule } from '../finding.js';
import { fqdn, hostCovers, hostsIntersect, serviceOf } from '../hosts.js';
import { ISTIO, list, obj, str, type Entry, type Model } from '../model.js';

/** `ns/name`, `name` (the VirtualService's namespace) or the legacy `name.ns.svc.cluster.local`. */
export function gatewayRef(value: string, namespace: string): { namespace: string; name: string } {
  const slash = value.indexOf('/');
  if (slash >= 0) return { namespace: value.slice(0, slash), name: value.slice(slash + 1) };
  const labels = value.split('.');
  if (labels.length > 1) return { namespace: labels[1] as string, name: labels[0] as string };
  return { namespace, name: value };
}

interface GatewayUse {
  readonly path: string;
  readonly value: string;
}

/** Every gateway name a VirtualService uses: spec.gateways and the gateways of its matches. */
function gatewayUses(spec: Record<string, unknown>): GatewayUse[] {
  const uses = list(spec['gateways']).map((g, i) => ({ path: `spec.gateways[${i}]`, value: str(g) }));
  for (const section of ['http', 'tcp', 'tls']) {
    list(spec[section]).forEach((route, i) => {
      list(obj(route)['match']).forEach((m, j) => {
        list(obj(m)['gateways']).forEach((g, k) => uses.push({ path: `spec.${section}[${i}].match[${j}].gateways[${k}]`, value: str(g) }));
      });
    });
  }
  return uses.filter((u) => u.value !== '' && u.value !== 'mesh');
}

function missingGateway(vs: Entry, use: GatewayUse, model: Model): Finding | undefined {
  const target = gatewayRef(use.value, vs.namespace);
  if (model.named(ISTIO, 'Gateway', target.namespace, target.name).length > 0) return undefined;
  if (!model.covers(ISTIO, 'Gateway', target.namespace)) return undefined;
  const there = model.inNamespace(ISTIO, 'Gateway', target.namespace).map((g) => g.name);
  return finding(
    'MG101',
    `${use.path} names Gateway ${nsName(target.namespace, target.name)}, which does not exist; the routes bound to it receive no traffic`,
    `name one of the Gateways in ${target.namespace} (${names(there)}) as "${target.namespace === vs.namespace ? '' : `${target.namespace}/`}<name>", or create Gateway ${nsName(target.namespace, target.name)}`,
    [ref(vs, use.path)],
  );
}

/** Does a Gateway server host (`ns/host`, `./host`, any-namespace `*` + `/host`, or `host`) admit a VirtualService in `namespace` with `host`? */
function serverAdmits(serverHost: string, gatewayNs: string, vsNs: string, host: string): boolean {
  const slash = serverHost.indexOf('/');
  const ns = slash < 0 ? '*' : serverHost.slice(0, slash);
  const pattern = slash < 0 ? serverHost : serverHost.slice(slash + 1);
  if (ns !== '*' && (ns === '.' ? gatewayNs : ns) !== vsNs) return false;
  return hostsIntersect(pattern, host) || hostsIntersect(pattern, fqdn(host, vsNs));
}

function hostsNotServed(vs: Entry, use: GatewayUse, model: Model): Finding[] {
  if (!use.path.startsWith('spec.gateways')) return [];
  const target = gatewayRef(use.value, vs.namespace);
  const gateways = model.named(ISTIO, 'Gateway', target.namespace, target.name);
  if (gateways.length === 0) return [];
  const serverHosts = (g: Entry): string[] => list(g.spec['servers']).flatMap((s) => list(obj(s)['hosts']).map(str));
  return list(vs.spec['hosts']).flatMap((h, i) => {
    const host = str(h);
    if (!host || gateways.some((g) => serverHosts(g).some((sh) => serverAdmits(sh, g.namespace, vs.namespace, host)))) return [];
    const gw = gateways[0] as Entry;
    return [
      finding(
        'MG104',
        `host "${host}" is not served by any server of Gateway ${nsName(gw.namespace, gw.name)} (its hosts: ${names(serverHosts(gw))}), so the gateway never routes it`,
        `add "${host}" (or a wildcard covering it) to a server's hosts of ${describe(gw)}, or bind the VirtualService to a Gateway that serves it`,
        [ref(vs, `spec.hosts[${i}]`), ref(gw, 'spec.servers')],
      ),
    ];
  });
}

interface Destination {
  readonly path: string;
  readonly host: string;
  readonly subset: string;
}

function destinations(spec: Record<string, unknown>): Destination[] {
  const out: Destination[] = [];
  const add = (path: string, d: unknown): void => {
    const host = str(obj(d)['host']);
    if (host) out.push({ path, host, subset: str(obj(d)['subset']) });
  };
  for (const section of ['http', 'tcp', 'tls']) {
    list(spec[section]).forEach((route, i) => {
      const r = obj(route);
      list(r['route']).forEach((dest, j) => add(`spec.${section}[${i}].route[${j}].destination`, obj(dest)['destination']));
      if (section === 'http' && r['mirror'] !== undefined) add(`spec.http[${i}].mirror`, r['mirror']);
      if (section === 'http') list(r['mirrors']).forEach((m, j) => add(`spec.http[${i}].mirrors[${j}].destination`, obj(m)['destination']));
    });
  }
  return out;
}

/** ServiceEntry hosts, each as an FQDN pattern. */
function serviceEntryHosts(model: Model): string[] {
  return memo(model, 'se-hosts', () => model.of(ISTIO, 'ServiceEntry').flatMap((se) => list(se.spec['hosts']).map((h) => fqdn(str(h), se.namespace))));
}

function hostExists(host: string, model: Model): boolean {
  const svc = serviceOf(host);
  if (svc && model.named('', 'Service', svc.namespace, svc.name).length > 0) return true;
  return serviceEntryHosts(model).some((pattern) => hostCovers(pattern, host));
}

function missingHost(vs: Entry, d: Destination, model: Model): Finding | undefined {
  const host = fqdn(d.host, vs.namespace);
  if (host.includes('*') || hostExists(host, model)) return undefined;
  const svc = serviceOf(host);
  const covered = svc ? model.covers('', 'Service', svc.namespace) : model.of(ISTIO, 'ServiceEntry').length > 0;
  if (!covered) return undefined;
  const where = svc ? `no Service ${svc.namespace}/${svc.name} and no ServiceEntry` : 'no ServiceEntry';
  return finding(
    'MG102',
    `${d.path}.host "${d.host}" (${host}) matches ${where}; requests routed there fail with 503 (no healthy upstream)`,
    svc ? `correct the host to an existing Service, or create Service ${svc.namespace}/${svc.name}` : `correct the host, or add a ServiceEntry whose hosts include "${d.host}"`,
    [ref(vs, `${d.path}.host`)],
  );
}

interface RuleHost {
  readonly host: string;
  readonly entry: Entry;
  readonly subsets: string[];
}

/** DestinationRules by exact FQDN host, and those with wildcard hosts, with the subsets each defines. */
function destinationRules(model: Model): { exact: Map<string, RuleHost[]>; wildcard: RuleHost[] } {
  return memo(model, 'dr-hosts', () => {
    const exact = new Map<string, RuleHost[]>();
    const wildcard: RuleHost[] = [];
    for (const dr of model.of(ISTIO, 'DestinationRule')) {
      const r = { host: fqdn(str(dr.spec['host']), dr.namespace), entry: dr, subsets: list(dr.spec['subsets']).map((s) => str(obj(s)['name'])) };
      if (r.host.includes('*')) wildcard.push(r);
      else exact.set(r.host, [...(exact.get(r.host) ?? []), r]);
    }
    return { exact, wildcard };
  });
}

function missingSubset(vs: Entry, d: Destination, model: Model): Finding | undefined {
  if (!d.subset) return undefined;
  const host = fqdn(d.host, vs.namespace);
  const index = destinationRules(model);
  const rules = [...(index.exact.get(host) ?? []), ...index.wildcard.filter((r) => hostCovers(r.host, host))];
  if (rules.some((r) => r.subsets.includes(d.subset))) return undefined;
  const path = `${d.path}.subset`;
  if (rules.length > 0) {
    const defined = rules.flatMap((r) => r.subsets).filter((s) => s !== '');
    return finding(
      'MG103',
      `${path} "${d.subset}" is not defined by ${names(rules.map((r) => describe(r.entry)))}${defined.length > 0 ? ` (subsets: ${names(defined)})` : ' (it defines no subsets)'}; requests routed there fail with 503`,
      `use one of the defined subsets, or add subset "${d.subset}" with the labels of its Pods to ${describe(rules[0]?.entry as Entry)}`,
      [ref(vs, path), ...rules.map((r) => ref(r.entry, 'spec.subsets'))],
    );
  }
  const svc = serviceOf(host);
  if (!model.covers(ISTIO, 'DestinationRule', vs.namespace) || (svc && !model.covers(ISTIO, 'DestinationRule', svc.namespace))) return undefined;
  return finding(
    'MG103',
    `${path} "${d.subset}" needs a DestinationRule for host ${host}, and there is none; requests routed there fail with 503`,
    `add a DestinationRule with host "${d.host}" that defines subset "${d.subset}", or remove the subset`,
    [ref(vs, path)],
  );
}

export const istioReferenceRules: readonly Rule[] = [
  {
    kinds: [`${ISTIO}/VirtualService`],
    run: (vs, model) => {
      const uses = gatewayUses(vs.spec);
      const out: Finding[] = uses.flatMap((u) => missingGateway(vs, u, model) ?? []);
      out.push(...uses.flatMap((u) => hostsNotServed(vs, u, model)));
      for (const d of destinations(vs.spec)) out.push(...[missingHost(vs, d, model), missingSubset(vs, d, model)].flatMap((f) => f ?? []));
      return out;
    },
  },
];
