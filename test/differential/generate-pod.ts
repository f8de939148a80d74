// Random Pods for the differential suite, built from fast-check arbitraries (reproducible from
// a seed): containers with ports, every probe kind, init containers and native sidecars,
// security contexts and volumes, plus the annotations and labels that steer injection.
import fc from 'fast-check';

type Obj = Record<string, unknown>;

const name = fc.constantFrom('app', 'web', 'api', 'worker', 'cache', 'metrics-exporter');
const port = fc.constantFrom(80, 443, 3000, 8080, 8443, 9090, 9102, 15000, 50051);

const containerPort = fc.record(
  { containerPort: port, name: fc.constantFrom('http', 'grpc', 'metrics', 'tcp-db', 'https'), protocol: fc.constantFrom('TCP', 'UDP') },
  { requiredKeys: ['containerPort'] },
);

/** Probe timing fields, sometimes explicitly zero (Istio drops zeros it computes, keeps the user's). */
const timing = fc.record(
  {
    initialDelaySeconds: fc.constantFrom(0, 1, 5, 10),
    periodSeconds: fc.constantFrom(0, 2, 10),
    timeoutSeconds: fc.constantFrom(0, 1, 3),
    failureThreshold: fc.constantFrom(0, 3, 30),
    successThreshold: fc.constantFrom(0, 1),
  },
  { requiredKeys: [] },
);

const httpGet = fc.record(
  {
    path: fc.constantFrom('/healthz', '/ready', '/', '/status?full=1'),
    port: fc.oneof(port, fc.constantFrom('http', 'metrics')),
    scheme: fc.constantFrom('HTTP', 'HTTPS'),
    host: fc.constantFrom('127.0.0.1', 'localhost'),
    httpHeaders: fc.constant([{ name: 'X-Probe', value: 'istio' }]),
  },
  { requiredKeys: ['port'] },
);

const handler = fc.oneof(
  { weight: 4, arbitrary: httpGet.map((h): Obj => ({ httpGet: h })) },
  { weight: 2, arbitrary: port.map((p): Obj => ({ tcpSocket: { port: p } })) },
  { weight: 2, arbitrary: fc.record({ port: fc.constantFrom(50051, 8080), service: fc.constantFrom('', 'health') }, { requiredKeys: ['port'] }).map((g): Obj => ({ grpc: g })) },
  { weight: 1, arbitrary: fc.constant<Obj>({ exec: { command: ['cat', '/tmp/healthy'] } }) },
);

const probe = fc.tuple(handler, timing).map(([h, t]): Obj => ({ ...h, ...t }));

const securityContext = fc.record(
  {
    runAsUser: fc.constantFrom(0, 1000, 1337, 65534),
    runAsGroup: fc.constantFrom(1000, 1337),
    runAsNonRoot: fc.boolean(),
    readOnlyRootFilesystem: fc.boolean(),
    allowPrivilegeEscalation: fc.boolean(),
    capabilities: fc.constant({ drop: ['ALL'] }),
  },
  { requiredKeys: [] },
);

const resources = fc.record(
  {
    requests: fc.record({ cpu: fc.constantFrom('10m', '100m', '0.5', '1'), memory: fc.constantFrom('64Mi', '128Mi', '1Gi', '1024Mi') }, { requiredKeys: [] }),
    limits: fc.record({ cpu: fc.constantFrom('500m', '2', '2000m'), memory: fc.constantFrom('256Mi', '512Mi', '1Gi') }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);

const env = fc
  .array(
    fc.oneof(
      fc.record({ name: fc.constantFrom('MODE', 'LOG_LEVEL', 'PORT'), value: fc.constantFrom('prod', 'debug', '8080', '') }),
      fc.constant<Obj>({ name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }),
    ),
    { maxLength: 3 },
  )
  .map((list) => list.filter((e, i) => list.findIndex((x) => x['name'] === e['name']) === i));

const container = fc.record(
  {
    name,
    image: fc.constantFrom('nginx:1.27', 'ghcr.io/example/app:v2', 'busybox'),
    imagePullPolicy: fc.constantFrom('IfNotPresent', 'Always'),
    command: fc.constantFrom(['/bin/app'], ['sleep', '3600']),
    args: fc.constantFrom(['--port=8080'], ['-v']),
    ports: fc.uniqueArray(containerPort, { maxLength: 3, selector: (p) => `${p.containerPort}/${p.protocol ?? 'TCP'}` }),
    livenessProbe: probe,
    readinessProbe: probe,
    startupProbe: probe,
    securityContext,
    resources,
    env,
    volumeMounts: fc.constantFrom([{ name: 'data', mountPath: '/data' }], [{ name: 'config', mountPath: '/etc/app', readOnly: true }]),
  },
  { requiredKeys: ['name', 'image'] },
);

const initContainer = fc.record(
  {
    name: fc.constantFrom('init-db', 'migrate', 'log-shipper'),
    image: fc.constantFrom('busybox', 'ghcr.io/example/init:v1'),
    command: fc.constantFrom(['sh', '-c', 'echo ok'], ['/migrate']),
    restartPolicy: fc.constant('Always'),
    securityContext,
  },
  { requiredKeys: ['name', 'image'] },
);

const volumes = fc.constantFrom<Obj[]>(
  [],
  [{ name: 'data', emptyDir: {} }],
  [
    { name: 'config', configMap: { name: 'app-config' } },
    { name: 'data', emptyDir: { medium: 'Memory' } },
  ],
  [{ name: 'certs', secret: { secretName: 'app-certs', defaultMode: 420 } }],
);

export const podSpec = fc
  .record(
    {
      containers: fc.uniqueArray(container, { minLength: 1, maxLength: 3, selector: (c) => c.name }),
      initContainers: fc.uniqueArray(initContainer, { maxLength: 2, selector: (c) => c.name }),
      volumes,
      securityContext: fc.record({ fsGroup: fc.constantFrom(1000, 1337), runAsUser: fc.constantFrom(1000, 1001), runAsNonRoot: fc.boolean() }, { requiredKeys: [] }),
      serviceAccountName: fc.constantFrom('default', 'app-sa'),
      nodeName: fc.constantFrom('node-1'),
      dnsPolicy: fc.constantFrom('ClusterFirst', 'Default'),
      terminationGracePeriodSeconds: fc.constantFrom(0, 30),
      restartPolicy: fc.constantFrom('Always'),
    },
    { requiredKeys: ['containers'] },
  )
  .map((spec): Obj => {
    const out: Obj = { ...spec };
    for (const k of ['initContainers', 'volumes'] as const) if (Array.isArray(out[k]) && (out[k] as unknown[]).length === 0) delete out[k];
    return out;
  });

export { annotations, labels } from './generate-annotations.js';
