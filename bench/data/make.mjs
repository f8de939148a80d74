// Writes the benchmark's request bodies: real AdmissionReviews, deterministic, so a run on
// any machine posts the same bytes. Run `node bench/data/make.mjs` after changing it; the
// outputs are committed next to this file.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

function review(uid, kind, resource, object, namespace = 'shop') {
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid,
      kind,
      resource,
      requestKind: kind,
      requestResource: resource,
      namespace,
      operation: 'CREATE',
      userInfo: { username: 'system:serviceaccount:kube-system:replicaset-controller', groups: ['system:serviceaccounts', 'system:authenticated'] },
      object,
      oldObject: null,
      dryRun: false,
      options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions' },
    },
  };
}

const POD = { group: '', version: 'v1', kind: 'Pod' };
const PODS = { group: '', version: 'v1', resource: 'pods' };

function probe(path, port) {
  return { httpGet: { path, port, scheme: 'HTTP' }, initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 };
}

function container(name, image, port, env) {
  return {
    name,
    image,
    imagePullPolicy: 'IfNotPresent',
    ports: [{ name: 'http', containerPort: port, protocol: 'TCP' }],
    env,
    resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
    readinessProbe: probe('/ready', port),
    livenessProbe: probe('/live', port),
    volumeMounts: [
      { name: 'config', mountPath: '/etc/app' },
      { name: 'cache', mountPath: '/var/cache/app' },
    ],
    securityContext: { runAsNonRoot: true, runAsUser: 10001, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
  };
}

function envVars(n, prefix) {
  return Array.from({ length: n }, (_, i) => ({ name: `${prefix}_${String(i).padStart(4, '0')}`, value: `value-${i}-${'x'.repeat(i % 7)}` }));
}

/** A Pod as a ReplicaSet creates it, with `containers` app containers carrying `envPer` env vars each. */
export function pod({ name = 'checkout', containers = 2, envPer = 16, annotations = {}, labels = {} } = {}) {
  const list = Array.from({ length: containers }, (_, i) =>
    container(i === 0 ? name : `${name}-helper-${i}`, `registry.example.com/shop/${name}:2.${i}.7`, 8080 + i, envPer > 0 ? envVars(envPer, `APP_${i}`) : undefined),
  );
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${name}-6f7d8c9b5-`,
      namespace: 'shop',
      labels: { app: name, version: 'v2', 'pod-template-hash': '6f7d8c9b5', ...labels },
      annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9090', 'traffic.sidecar.istio.io/excludeOutboundPorts': '5432', ...annotations },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${name}-6f7d8c9b5`, uid: '8e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b', controller: true, blockOwnerDeletion: true },
      ],
    },
    spec: {
      serviceAccountName: name,
      containers: list.map((c) => (c.env === undefined ? (({ env, ...rest }) => rest)(c) : c)),
      volumes: [
        { name: 'config', configMap: { name: `${name}-config` } },
        { name: 'cache', emptyDir: {} },
      ],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      schedulerName: 'default-scheduler',
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
    },
  };
}

/** Env vars per container that bring a two-container Pod's AdmissionReview to about `kb` KB. */
export function podOfSize(kb, uid = `sweep-${kb}kb`) {
  const base = JSON.stringify(review(uid, POD, PODS, pod({ envPer: 0 }))).length;
  const perVar = JSON.stringify(envVars(40, 'APP_0')).length / 40;
  const envPer = Math.max(1, Math.round((kb * 1024 - base) / (2 * perVar)));
  return review(uid, POD, PODS, pod({ envPer }));
}

function gatewayPod() {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: 'istio-ingressgateway-5c8d9f7b6-',
      namespace: 'istio-ingress',
      labels: { app: 'istio-ingressgateway', istio: 'ingressgateway', 'sidecar.istio.io/inject': 'true', 'pod-template-hash': '5c8d9f7b6' },
      annotations: { 'inject.istio.io/templates': 'gateway', 'prometheus.io/scrape': 'true' },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: 'istio-ingressgateway-5c8d9f7b6',
          uid: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      serviceAccountName: 'istio-ingressgateway',
      containers: [
        {
          name: 'istio-proxy',
          image: 'auto',
          ports: [
            { containerPort: 8080, protocol: 'TCP' },
            { containerPort: 8443, protocol: 'TCP' },
          ],
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2', memory: '1Gi' } },
        },
      ],
    },
  };
}

function virtualService() {
  const http = Array.from({ length: 20 }, (_, i) => ({
    name: `route-${i}`,
    match: [
      { uri: { regex: `^/api/v${(i % 3) + 1}/(orders|carts)/[0-9a-f]{8}(/items)?$` }, headers: { 'x-tenant': { regex: `^tenant-${i}-[a-z]+$` } } },
      { uri: { prefix: `/legacy/${i}/` }, queryParams: { debug: { exact: 'false' } } },
    ],
    route: [
      { destination: { host: 'checkout.shop.svc.cluster.local', subset: 'v1', port: { number: 8080 } }, weight: 80 },
      { destination: { host: 'checkout.shop.svc.cluster.local', subset: 'v2', port: { number: 8080 } }, weight: 20 },
    ],
    timeout: '3s',
    retries: { attempts: 3, perTryTimeout: '1s', retryOn: '5xx,connect-failure,reset' },
    headers: { request: { set: { 'x-route': `route-${i}` } }, response: { remove: ['x-internal'] } },
  }));
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'checkout', namespace: 'shop' },
    spec: { hosts: ['checkout.shop.svc.cluster.local', 'checkout.example.com'], gateways: ['mesh', 'istio-ingress/public'], http },
  };
}

function httpRoute() {
  const rules = Array.from({ length: 16 }, (_, i) => ({
    matches: [
      {
        path: { type: i % 2 ? 'PathPrefix' : 'RegularExpression', value: i % 2 ? `/shop/${i}` : `^/shop/${i}/[a-z0-9-]+$` },
        headers: [{ name: 'x-canary', value: 'true' }],
        method: 'GET',
      },
    ],
    filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-rule', value: `r${i}` }], remove: ['x-debug'] } }],
    backendRefs: [
      { name: 'checkout-v1', port: 8080, weight: 90 },
      { name: 'checkout-v2', port: 8080, weight: 10 },
    ],
    timeouts: { request: '10s', backendRequest: '2s' },
  }));
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'checkout', namespace: 'shop' },
    spec: { parentRefs: [{ name: 'public', namespace: 'istio-ingress', sectionName: 'https' }], hostnames: ['shop.example.com'], rules },
  };
}

export const WORKLOADS = {
  'inject-5kb': () => review('bench-inject-5kb', POD, PODS, pod()),
  'inject-gateway': () => review('bench-inject-gateway', POD, PODS, gatewayPod(), 'istio-ingress'),
  'inject-100kb-env': () => podOfSize(100, 'bench-inject-100kb-env'),
  'inject-100kb-containers': () => review('bench-inject-100kb-containers', POD, PODS, pod({ containers: 20, envPer: 90, name: 'batch' })),
  'validate-virtualservice': () =>
    review(
      'bench-validate-vs',
      { group: 'networking.istio.io', version: 'v1', kind: 'VirtualService' },
      { group: 'networking.istio.io', version: 'v1', resource: 'virtualservices' },
      virtualService(),
    ),
  'validate-httproute': () =>
    review(
      'bench-validate-httproute',
      { group: 'gateway.networking.k8s.io', version: 'v1', kind: 'HTTPRoute' },
      { group: 'gateway.networking.k8s.io', version: 'v1', resource: 'httproutes' },
      httpRoute(),
    ),
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [name, make] of Object.entries(WORKLOADS)) {
    const text = JSON.stringify(make());
    writeFileSync(join(here, `${name}.json`), text);
    console.log(`${name}.json: ${(text.length / 1024).toFixed(1)} KB`);
  }
}
