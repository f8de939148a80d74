// Each analyzer code on the smallest setup that has the problem, and on the same setup fixed
// (or lacking what it would take to know): the code, the object and field it names, and its
// sentence, for Istio and Gateway API kinds.
import { describe, expect, it } from 'vitest';
import { analyze, analyzeIncoming, buildModel, CODES, modelOptions, type Finding } from '../../src/analyze/index.js';

type Obj = Record<string, unknown>;

const md = (name: string, namespace = 'shop', labels?: Record<string, string>): Obj => ({ name, namespace, ...(labels ? { labels } : {}) });
const istio = (kind: string, name: string, spec: Obj, namespace = 'shop'): Obj => ({ apiVersion: 'networking.istio.io/v1', kind, metadata: md(name, namespace), spec });
const gwapi = (kind: string, name: string, spec: Obj, namespace = 'shop'): Obj => ({ apiVersion: 'gateway.networking.k8s.io/v1', kind, metadata: md(name, namespace), spec });
const service = (name: string, ports: number[] = [80], namespace = 'shop', selector: Record<string, string> = { app: name }): Obj => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: md(name, namespace),
  spec: { selector, ports: ports.map((port) => ({ port, name: `p${port}` })) },
});
const deployment = (name: string, labels: Record<string, string>, namespace = 'shop', annotations?: Record<string, string>): Obj => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: md(name, namespace),
  spec: { selector: { matchLabels: labels }, template: { metadata: { labels, ...(annotations ? { annotations } : {}) }, spec: { containers: [{ name: 'app', image: 'app' }] } } },
});
const istioGateway = (name: string, hosts: string[] = ['*'], namespace = 'shop'): Obj =>
  istio('Gateway', name, { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts }] }, namespace);
const vs = (name: string, spec: Obj, namespace = 'shop'): Obj => istio('VirtualService', name, spec, namespace);
const route = (host: string, subset?: string): Obj => ({ destination: { host, ...(subset ? { subset } : {}) } });
const gateway = (name: string, listeners: Obj[], namespace = 'shop', extra: Obj = {}): Obj => gwapi('Gateway', name, { gatewayClassName: 'istio', listeners, ...extra }, namespace);
const http = (name = 'http', port = 80, extra: Obj = {}): Obj => ({ name, port, protocol: 'HTTP', ...extra });
const httpRoute = (name: string, parentRefs: Obj[], backendRefs: Obj[] = [], namespace = 'shop', extra: Obj = {}): Obj =>
  gwapi('HTTPRoute', name, { parentRefs, rules: [{ backendRefs }], ...extra }, namespace);

const brief = (f: Finding): string => `${f.code} ${f.objects[0]?.kind} ${f.objects[0]?.namespace}/${f.objects[0]?.name} ${f.objects[0]?.path}`;

function codes(objects: Obj[]): string[] {
  return analyze(objects).map(brief);
}

describe('analyzer codes: positive and negative', () => {
  it.each<[string, Obj[], string[]]>([
    // MG101: VirtualService → Gateway
    [
      'MG101 gateway missing',
      [istioGateway('web'), vs('app', { hosts: ['app.example.com'], gateways: ['webb'], http: [{ route: [route('app')] }] })],
      ['MG101 VirtualService shop/app spec.gateways[0]'],
    ],
    [
      'MG101 in a match',
      [istioGateway('web'), vs('app', { hosts: ['*'], gateways: ['web'], http: [{ match: [{ gateways: ['edge'] }], route: [route('app')] }] })],
      ['MG101 VirtualService shop/app spec.http[0].match[0].gateways[0]'],
    ],
    ['MG101 fixed', [istioGateway('web'), vs('app', { hosts: ['app.example.com'], gateways: ['web', 'mesh'], http: [{ route: [route('app')] }] })], []],
    [
      'MG101 unknown namespace (no Gateways there in the input)',
      [istioGateway('web'), vs('app', { hosts: ['app.example.com'], gateways: ['istio-system/main'], http: [{ route: [route('app')] }] })],
      [],
    ],
    // MG102: destination host
    [
      'MG102 service missing',
      [service('reviews'), vs('r', { hosts: ['reviews'], http: [{ route: [route('ratings')] }] })],
      ['MG102 VirtualService shop/r spec.http[0].route[0].destination.host'],
    ],
    ['MG102 fixed by a Service', [service('reviews'), service('ratings'), vs('r', { hosts: ['reviews'], http: [{ route: [route('ratings.shop.svc.cluster.local')] }] })], []],
    [
      'MG102 fixed by a ServiceEntry',
      [
        istio('ServiceEntry', 'ext', { hosts: ['*.example.com'], ports: [{ number: 443, name: 'https', protocol: 'TLS' }], resolution: 'DNS' }),
        vs('r', { hosts: ['api.example.com'], tls: [{ match: [{ port: 443, sniHosts: ['api.example.com'] }], route: [route('api.example.com')] }] }),
      ],
      [],
    ],
    [
      'MG102 external host with no ServiceEntry',
      [
        istio('ServiceEntry', 'ext', { hosts: ['a.example.com'], resolution: 'DNS', ports: [{ number: 80, name: 'http', protocol: 'HTTP' }] }),
        vs('r', { hosts: ['b.example.com'], http: [{ route: [route('b.example.com')] }] }),
      ],
      ['MG102 VirtualService shop/r spec.http[0].route[0].destination.host'],
    ],
    ['MG102 not known without Services in that namespace', [service('reviews', [80], 'other'), vs('r', { hosts: ['reviews'], http: [{ route: [route('ratings')] }] })], []],
    // MG103: subsets
    [
      'MG103 subset missing',
      [
        istio('DestinationRule', 'r', { host: 'reviews', subsets: [{ name: 'v1', labels: { v: '1' } }] }),
        vs('r', { hosts: ['reviews'], http: [{ route: [route('reviews', 'v2')] }] }),
      ],
      ['MG103 VirtualService shop/r spec.http[0].route[0].destination.subset'],
    ],
    [
      'MG103 mirror subset',
      [
        istio('DestinationRule', 'r', { host: 'reviews', subsets: [{ name: 'v1', labels: { v: '1' } }] }),
        vs('r', { hosts: ['reviews'], http: [{ route: [route('reviews', 'v1')], mirror: { host: 'reviews', subset: 'v9' } }] }),
      ],
      ['MG103 VirtualService shop/r spec.http[0].mirror.subset'],
    ],
    [
      'MG103 no DestinationRule for the host, others in the namespace',
      [istio('DestinationRule', 'x', { host: 'ratings' }), vs('r', { hosts: ['reviews'], http: [{ route: [route('reviews', 'v1')] }] })],
      ['MG103 VirtualService shop/r spec.http[0].route[0].destination.subset'],
    ],
    [
      'MG103 fixed',
      [
        istio('DestinationRule', 'r', {
          host: 'reviews.shop.svc.cluster.local',
          subsets: [
            { name: 'v1', labels: { v: '1' } },
            { name: 'v2', labels: { v: '2' } },
          ],
        }),
        vs('r', { hosts: ['reviews'], http: [{ route: [route('reviews', 'v2')] }] }),
      ],
      [],
    ],
    ['MG103 not known without DestinationRules', [vs('r', { hosts: ['reviews'], http: [{ route: [route('reviews', 'v2')] }] })], []],
    // MG104: VirtualService host not on its Gateway
    [
      'MG104 host not served',
      [istioGateway('web', ['shop.example.com']), vs('app', { hosts: ['api.example.com'], gateways: ['web'], http: [{ route: [route('app')] }] })],
      ['MG104 VirtualService shop/app spec.hosts[0]'],
    ],
    [
      'MG104 namespace-restricted server host',
      [istioGateway('web', ['other/api.example.com']), vs('app', { hosts: ['api.example.com'], gateways: ['web'], http: [{ route: [route('app')] }] })],
      ['MG104 VirtualService shop/app spec.hosts[0]'],
    ],
    ['MG104 fixed by a wildcard', [istioGateway('web', ['./*.example.com']), vs('app', { hosts: ['api.example.com'], gateways: ['web'], http: [{ route: [route('app')] }] })], []],
    // MG201: parentRef
    ['MG201 Gateway missing', [gateway('edge', [http()]), httpRoute('r', [{ name: 'egde' }])], ['MG201 HTTPRoute shop/r spec.parentRefs[0].name']],
    [
      'MG201 ListenerSet parent missing',
      [gateway('edge', [http()]), gwapi('ListenerSet', 'ls', { parentRef: { name: 'edg' }, listeners: [http('x', 8080)] })],
      ['MG201 ListenerSet shop/ls spec.parentRef.name'],
    ],
    ['MG201 fixed', [gateway('edge', [http()]), httpRoute('r', [{ name: 'edge' }])], []],
    ['MG201 other namespace not described', [gateway('edge', [http()]), httpRoute('r', [{ name: 'edge', namespace: 'infra' }])], []],
    // MG202: sectionName / port
    ['MG202 sectionName', [gateway('edge', [http()]), httpRoute('r', [{ name: 'edge', sectionName: 'https' }])], ['MG202 HTTPRoute shop/r spec.parentRefs[0].sectionName']],
    ['MG202 port', [gateway('edge', [http()]), httpRoute('r', [{ name: 'edge', port: 8080 }])], ['MG202 HTTPRoute shop/r spec.parentRefs[0].port']],
    ['MG202 fixed', [gateway('edge', [http()]), httpRoute('r', [{ name: 'edge', sectionName: 'http', port: 80 }])], []],
    // MG203: listener does not accept the route
    [
      'MG203 namespace Same (the default)',
      [gateway('edge', [http()], 'infra'), httpRoute('r', [{ name: 'edge', namespace: 'infra' }])],
      ['MG203 HTTPRoute shop/r spec.parentRefs[0]'],
    ],
    ['MG203 kind', [gateway('edge', [{ name: 'tcp', port: 9000, protocol: 'TCP' }]), httpRoute('r', [{ name: 'edge' }])], ['MG203 HTTPRoute shop/r spec.parentRefs[0]']],
    [
      'MG203 hostnames',
      [gateway('edge', [http('http', 80, { hostname: '*.example.com' })]), httpRoute('r', [{ name: 'edge' }], [], 'shop', { hostnames: ['example.org'] })],
      ['MG203 HTTPRoute shop/r spec.hostnames'],
    ],
    [
      'MG203 fixed: All namespaces, matching hostname',
      [
        gateway('edge', [http('http', 80, { hostname: '*.example.com', allowedRoutes: { namespaces: { from: 'All' } } })], 'infra'),
        httpRoute('r', [{ name: 'edge', namespace: 'infra' }], [], 'shop', { hostnames: ['a.example.com'] }),
      ],
      [],
    ],
    [
      'MG203 Selector matching the Namespace labels',
      [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { shared: 'yes' } } },
        gateway('edge', [http('http', 80, { allowedRoutes: { namespaces: { from: 'Selector', selector: { matchLabels: { shared: 'yes' } } } } })], 'infra'),
        httpRoute('r', [{ name: 'edge', namespace: 'infra' }]),
      ],
      [],
    ],
    [
      'MG203 Selector not matching',
      [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
        gateway('edge', [http('http', 80, { allowedRoutes: { namespaces: { from: 'Selector', selector: { matchLabels: { shared: 'yes' } } } } })], 'infra'),
        httpRoute('r', [{ name: 'edge', namespace: 'infra' }]),
      ],
      ['MG203 HTTPRoute shop/r spec.parentRefs[0]'],
    ],
    // MG204 / MG205: backendRefs
    [
      'MG204 Service missing',
      [service('web'), gateway('edge', [http()]), httpRoute('r', [{ name: 'edge' }], [{ name: 'wbe', port: 80 }])],
      ['MG204 HTTPRoute shop/r spec.rules[0].backendRefs[0].name'],
    ],
    [
      'MG205 port missing',
      [service('web', [8080]), gateway('edge', [http()]), httpRoute('r', [{ name: 'edge' }], [{ name: 'web', port: 80 }])],
      ['MG205 HTTPRoute shop/r spec.rules[0].backendRefs[0].port'],
    ],
    ['MG204/MG205 fixed', [service('web', [80]), gateway('edge', [http()]), httpRoute('r', [{ name: 'edge' }], [{ name: 'web', port: 80 }])], []],
    // MG206: ReferenceGrant
    [
      'MG206 backend in another namespace',
      [service('web', [80], 'backend'), gateway('edge', [http()]), httpRoute('r', [{ name: 'edge' }], [{ name: 'web', namespace: 'backend', port: 80 }])],
      ['MG206 HTTPRoute shop/r spec.rules[0].backendRefs[0]'],
    ],
    [
      'MG206 fixed by a ReferenceGrant',
      [
        service('web', [80], 'backend'),
        gateway('edge', [http()]),
        httpRoute('r', [{ name: 'edge' }], [{ name: 'web', namespace: 'backend', port: 80 }]),
        gwapi(
          'ReferenceGrant',
          'allow-shop',
          { from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'shop' }], to: [{ group: '', kind: 'Service' }] },
          'backend',
        ),
      ],
      [],
    ],
    [
      'MG206 a grant for another kind does not help',
      [
        service('web', [80], 'backend'),
        gateway('edge', [http()]),
        httpRoute('r', [{ name: 'edge' }], [{ name: 'web', namespace: 'backend', port: 80 }]),
        gwapi('ReferenceGrant', 'g', { from: [{ group: 'gateway.networking.k8s.io', kind: 'GRPCRoute', namespace: 'shop' }], to: [{ group: '', kind: 'Service' }] }, 'backend'),
      ],
      ['MG206 HTTPRoute shop/r spec.rules[0].backendRefs[0]'],
    ],
    [
      'MG206 certificate in another namespace',
      [
        gateway('edge', [{ name: 'https', port: 443, protocol: 'HTTPS', tls: { mode: 'Terminate', certificateRefs: [{ name: 'cert', namespace: 'certs' }] } }]),
        { apiVersion: 'v1', kind: 'Secret', metadata: md('cert', 'certs') },
      ],
      ['MG206 Gateway shop/edge spec.listeners[0].tls.certificateRefs[0]'],
    ],
    ['MG206 namespace not described', [gateway('edge', [http()]), httpRoute('r', [{ name: 'edge' }], [{ name: 'web', namespace: 'backend', port: 80 }])], []],
    // MG207: GatewayClass
    [
      'MG207 class missing',
      [gwapi('GatewayClass', 'istio', { controllerName: 'istio.io/gateway-controller' }, ''), gwapi('Gateway', 'edge', { gatewayClassName: 'isito', listeners: [http()] })],
      ['MG207 Gateway shop/edge spec.gatewayClassName'],
    ],
    ['MG207 fixed', [gwapi('GatewayClass', 'istio', { controllerName: 'istio.io/gateway-controller' }, ''), gateway('edge', [http()])], []],
    // MG208 / MG305: ListenerSets
    [
      'MG208 not allowed (default None)',
      [gateway('edge', [http()]), gwapi('ListenerSet', 'ls', { parentRef: { name: 'edge' }, listeners: [http('extra', 8080)] })],
      ['MG208 ListenerSet shop/ls spec.parentRef'],
    ],
    [
      'MG305 port and hostname clash with the Gateway',
      [
        gateway('edge', [http()], 'shop', { allowedListeners: { namespaces: { from: 'Same' } } }),
        gwapi('ListenerSet', 'ls', { parentRef: { name: 'edge' }, listeners: [http('also-http', 80)] }),
      ],
      ['MG305 ListenerSet shop/ls spec.listeners[0]'],
    ],
    [
      'MG305 protocols that cannot share a port',
      [
        gateway('edge', [http()], 'shop', { allowedListeners: { namespaces: { from: 'All' } } }),
        gwapi('ListenerSet', 'ls', { parentRef: { name: 'edge', namespace: 'shop' }, listeners: [{ name: 'tcp', port: 80, protocol: 'TCP' }] }, 'team'),
      ],
      ['MG305 ListenerSet team/ls spec.listeners[0]'],
    ],
    [
      'MG305 between two ListenerSets',
      [
        gateway('edge', [http()], 'shop', { allowedListeners: { namespaces: { from: 'Same' } } }),
        gwapi('ListenerSet', 'a', { parentRef: { name: 'edge' }, listeners: [http('a', 8080, { hostname: 'a.example.com' })] }),
        gwapi('ListenerSet', 'b', { parentRef: { name: 'edge' }, listeners: [http('b', 8080, { hostname: 'a.example.com' })] }),
      ],
      ['MG305 ListenerSet shop/b spec.listeners[0]'],
    ],
    [
      'MG305 fixed: distinct hostnames',
      [
        gateway('edge', [http()], 'shop', { allowedListeners: { namespaces: { from: 'Same' } } }),
        gwapi('ListenerSet', 'ls', { parentRef: { name: 'edge' }, listeners: [http('other', 80, { hostname: 'b.example.com' })] }),
      ],
      [],
    ],
    ['MG305 within one Gateway', [gateway('edge', [http(), { name: 'tcp', port: 80, protocol: 'TCP' }])], ['MG305 Gateway shop/edge spec.listeners[0]']],
    // MG301 / MG302: VirtualService host conflicts
    [
      'MG301 two for the mesh',
      [vs('a', { hosts: ['reviews'], http: [{ route: [route('reviews')] }] }), vs('b', { hosts: ['reviews.shop.svc.cluster.local'], http: [{ route: [route('reviews')] }] })],
      ['MG301 VirtualService shop/b spec.hosts[0]'],
    ],
    [
      'MG301 not across namespaces that do not export',
      [
        vs('a', { hosts: ['reviews.shop.svc.cluster.local'], exportTo: ['.'], http: [{ route: [route('reviews.shop.svc.cluster.local')] }] }, 'one'),
        vs('b', { hosts: ['reviews.shop.svc.cluster.local'], exportTo: ['.'], http: [{ route: [route('reviews.shop.svc.cluster.local')] }] }, 'two'),
      ],
      [],
    ],
    [
      'MG302 two on one Gateway',
      [
        istioGateway('web'),
        vs('a', { hosts: ['app.example.com'], gateways: ['web'], http: [{ route: [route('a')] }] }),
        vs('b', { hosts: ['app.example.com'], gateways: ['shop/web'], http: [{ route: [route('b')] }] }),
      ],
      ['MG302 VirtualService shop/b spec.hosts[0]'],
    ],
    [
      'MG302 variants of one object do not conflict',
      [
        istioGateway('web'),
        vs('a', { hosts: ['app.example.com'], gateways: ['web'], http: [{ route: [route('a')] }] }),
        vs('a', { hosts: ['app.example.com'], gateways: ['web'], http: [{ route: [route('b')] }] }),
      ],
      [],
    ],
    // MG303 / MG304: Sidecars
    ['MG304 two without selectors', [istio('Sidecar', 'a', { egress: [{ hosts: ['./*'] }] }), istio('Sidecar', 'b', { egress: [{ hosts: ['./*'] }] })], ['MG304 Sidecar shop/b ']],
    [
      'MG303 overlapping selectors',
      [
        istio('Sidecar', 'a', { workloadSelector: { labels: { app: 'web' } }, egress: [{ hosts: ['./*'] }] }),
        istio('Sidecar', 'b', { workloadSelector: { labels: { app: 'web', v: '1' } }, egress: [{ hosts: ['./*'] }] }),
      ],
      ['MG303 Sidecar shop/b spec.workloadSelector'],
    ],
    [
      'MG303 disjoint selectors',
      [
        istio('Sidecar', 'a', { workloadSelector: { labels: { app: 'web' } }, egress: [{ hosts: ['./*'] }] }),
        istio('Sidecar', 'b', { workloadSelector: { labels: { app: 'api' } }, egress: [{ hosts: ['./*'] }] }),
      ],
      [],
    ],
    [
      'MG303 with workloads: only a workload both select counts',
      [
        deployment('web', { app: 'web', v: '2' }),
        deployment('api', { app: 'api', v: '1' }),
        istio('Sidecar', 'a', { workloadSelector: { labels: { app: 'web' } }, egress: [{ hosts: ['./*'] }] }),
        istio('Sidecar', 'b', { workloadSelector: { labels: { v: '1' } }, egress: [{ hosts: ['./*'] }] }),
      ],
      [],
    ],
    // MG401 / MG402: selectors
    [
      'MG401 policy selects nothing',
      [
        deployment('web', { app: 'web' }),
        { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: md('p'), spec: { selector: { matchLabels: { app: 'wbe' } } } },
      ],
      ['MG401 AuthorizationPolicy shop/p spec.selector.matchLabels'],
    ],
    ['MG401 Service selects nothing', [deployment('web', { app: 'web' }), service('api')], ['MG401 Service shop/api spec.selector']],
    [
      'MG401 fixed',
      [
        deployment('web', { app: 'web', version: 'v1' }),
        { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: md('p'), spec: { selector: { matchLabels: { app: 'web' } }, mtls: { mode: 'STRICT' } } },
      ],
      [],
    ],
    [
      'MG401 not known without workloads in the namespace',
      [
        deployment('web', { app: 'web' }, 'other'),
        { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: md('p'), spec: { selector: { matchLabels: { app: 'wbe' } } } },
      ],
      [],
    ],
    [
      'MG401 root namespace policies apply mesh-wide',
      [
        deployment('web', { app: 'web' }, 'istio-system'),
        { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: md('p', 'istio-system'), spec: { selector: { matchLabels: { app: 'other' } } } },
      ],
      [],
    ],
    [
      'MG401 a WorkloadEntry is a workload',
      [
        istio('WorkloadEntry', 'vm', { address: '10.0.0.1', labels: { app: 'vm' } }),
        istio('Sidecar', 's', { workloadSelector: { labels: { app: 'vm' } }, egress: [{ hosts: ['./*'] }] }),
      ],
      [],
    ],
    [
      'MG402 gateway selector',
      [deployment('ingress', { istio: 'ingress' }, 'istio-ingress', { 'inject.istio.io/templates': 'gateway' }), istioGateway('web')],
      ['MG402 Gateway shop/web spec.selector'],
    ],
    ['MG402 fixed', [deployment('ingress', { istio: 'ingressgateway' }, 'istio-ingress', { 'inject.istio.io/templates': 'gateway' }), istioGateway('web')], []],
    ['MG402 not known without gateway workloads', [deployment('web', { app: 'web' }), istioGateway('web')], []],
  ])('%s', (_name, objects, expected) => {
    expect(codes(objects)).toEqual(expected);
  });

  it('every code has at least one positive case above', () => {
    const src = JSON.stringify(Object.keys(CODES));
    for (const code of Object.keys(CODES)) expect(src).toContain(code);
  });
});

describe('finding content', () => {
  it('names the objects, the field and how to fix it', () => {
    const [f] = analyze([
      istio('DestinationRule', 'reviews', { host: 'reviews', subsets: [{ name: 'v1', labels: { v: '1' } }] }),
      vs('r', { hosts: ['reviews'], http: [{ route: [route('reviews', 'v2')] }] }),
    ]);
    expect(f).toEqual({
      code: 'MG103',
      name: 'DestinationSubsetNotFound',
      severity: 'error',
      message: 'spec.http[0].route[0].destination.subset "v2" is not defined by DestinationRule shop/reviews (subsets: v1); requests routed there fail with 503',
      fix: 'use one of the defined subsets, or add subset "v2" with the labels of its Pods to DestinationRule shop/reviews',
      objects: [
        { index: 1, apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', namespace: 'shop', name: 'r', path: 'spec.http[0].route[0].destination.subset' },
        { index: 0, apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', namespace: 'shop', name: 'reviews', path: 'spec.subsets' },
      ],
    });
  });

  it('objects without a namespace are in the default namespace (--namespace)', () => {
    const objects = [
      { ...istioGateway('web'), metadata: { name: 'web' } },
      { ...vs('app', { hosts: ['a.example.com'], gateways: ['webb'], http: [{ route: [route('a')] }] }), metadata: { name: 'app' } },
    ];
    expect(analyze(objects).map(brief)).toEqual(['MG101 VirtualService default/app spec.gateways[0]']);
    expect(analyze(objects, { defaultNamespace: 'prod' }).map(brief)).toEqual(['MG101 VirtualService prod/app spec.gateways[0]']);
  });
});

describe('analyzeIncoming: one object against a cluster cache', () => {
  const cache = [
    istioGateway('web'),
    service('reviews'),
    istio('DestinationRule', 'reviews', { host: 'reviews', subsets: [{ name: 'v1' }] }),
    vs('existing', { hosts: ['reviews'], http: [{ route: [route('reviews', 'v1')] }] }),
  ];
  const model = buildModel(cache, modelOptions({ complete: new Set(['networking.istio.io/Gateway', '/Service', 'networking.istio.io/DestinationRule']) }));

  it('reports the incoming object only, with the cache as the whole truth', () => {
    const incoming = vs('new', { hosts: ['reviews'], gateways: ['istio-system/main'], http: [{ route: [route('reviews', 'v2')] }] });
    expect(analyzeIncoming(model, incoming, 'shop').map(brief)).toEqual([
      'MG101 VirtualService shop/new spec.gateways[0]',
      'MG103 VirtualService shop/new spec.http[0].route[0].destination.subset',
    ]);
  });

  it('a conflict with a stored object is reported on the incoming one; an update of the same object is not a conflict', () => {
    const other = vs('other', { hosts: ['reviews'], http: [{ route: [route('reviews')] }] });
    expect(analyzeIncoming(model, other, 'shop').map((f) => f.code)).toEqual(['MG301']);
    const update = vs('existing', { hosts: ['reviews'], http: [{ route: [route('reviews')] }] });
    expect(analyzeIncoming(model, update, 'shop')).toEqual([]);
  });

  it('the incoming object takes the request namespace when it names none', () => {
    const incoming = { ...vs('n', { hosts: ['x'], gateways: ['nope'], http: [{ route: [route('reviews')] }] }), metadata: { name: 'n' } };
    expect(analyzeIncoming(model, incoming, 'shop').map(brief)).toEqual(['MG101 VirtualService shop/n spec.gateways[0]']);
    expect(analyzeIncoming(model, 'not an object', 'shop')).toEqual([]);
  });
});
