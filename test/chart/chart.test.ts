// What the chart promises beyond its golden files: the settings it gives meshgate are ones
// meshgate accepts and match the names its RBAC grants, each certificate mode is wired end to
// end, the GKE priority-class quota is there when needed, and bad values fail at install.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildConfig, type Config } from '../../src/config.js';
import { servingSans } from '../../src/cluster/index.js';
import { byKind, one, render, template, type Obj } from './helm.js';

const VALUES = (name: string): string => join(import.meta.dirname, 'values', `${name}.yaml`);
const SETS = ['default', 'revision-canary', 'cert-manager', 'production', 'custom-webhooks', 'minimal', 'istio-migration'];

/** The Config meshgate builds from the Deployment's args and environment, as in the Pod. */
function podConfig(docs: readonly Obj[]): Config {
  const c = one(docs, 'Deployment').spec.template.spec.containers[0];
  const env = Object.fromEntries((c.env as Obj[]).filter((e) => e.value !== undefined && e.name.startsWith('MESHGATE_')).map((e) => [e.name, String(e.value)]));
  const flags = Object.fromEntries(
    (c.args as string[])
      .slice(1)
      .map((a) => /^--([^=]+)=(.*)$/.exec(a))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1], m[2]]),
  );
  return buildConfig({ flags, env, podNamespace: docs.find((d) => d.kind === 'Deployment')?.metadata.namespace });
}

const rule = (role: Obj, resource: string): Obj[] => (role.rules as Obj[]).filter((r) => (r.resources as string[]).includes(resource));

describe('the chart gives meshgate settings it accepts, and RBAC for exactly those names', () => {
  it.each(SETS)('%s', async (set) => {
    const docs = await render([VALUES(set)]);
    const config = podConfig(docs);
    expect(config.cluster).toBe(true);
    const role = one(docs, 'Role', config.serviceName);
    expect(rule(role, 'secrets').flatMap((r) => r.resourceNames ?? [])).toContain(config.secretName);
    // Istio's ConfigMaps, where the settings say meshgate reads them (Istio's names for the revision by default).
    const istio = one(docs, 'Role', `${config.serviceName}-istio-config`);
    expect(istio.metadata.namespace).toBe(config.istioNamespace);
    expect(rule(istio, 'configmaps')[0]?.resourceNames).toEqual([config.injectorConfigMap, config.meshConfigMap]);
    expect(rule(role, 'configmaps')).toEqual([]);
    expect(one(docs, 'RoleBinding', `${config.serviceName}-istio-config`).subjects).toEqual([{ kind: 'ServiceAccount', name: config.serviceName, namespace: 'meshgate-system' }]);
    expect(istio.rules.some((r: Obj) => r.resources.includes('events'))).toBe(config.events);
    const webhookRule = rule(one(docs, 'ClusterRole'), 'mutatingwebhookconfigurations')[0] as Obj;
    const configs = [...byKind(docs, 'MutatingWebhookConfiguration'), ...byKind(docs, 'ValidatingWebhookConfiguration')].map((d) => d.metadata.name as string);
    expect([...webhookRule.resourceNames].sort()).toEqual(configs.sort());
    expect(configs).toContain(config.mutatingWebhookName);
    expect(config.validatingWebhookName === '' ? [] : [config.validatingWebhookName]).toEqual(byKind(docs, 'ValidatingWebhookConfiguration').map((d) => d.metadata.name));
    // Every webhook calls this install's Service, and the pods carry the Service's selector.
    const svc = one(docs, 'Service');
    expect(svc.metadata.name).toBe(config.serviceName);
    for (const cfg of configs.map((n) => docs.find((d) => d.metadata?.name === n) as Obj)) {
      for (const w of cfg.webhooks) expect(w.clientConfig.service).toMatchObject({ name: config.serviceName, namespace: 'meshgate-system' });
    }
    expect(one(docs, 'Deployment').spec.template.metadata.labels).toMatchObject(svc.spec.selector);
    expect(role.rules.some((r: Obj) => r.resources.includes('events'))).toBe(config.events);
  });
});

describe('priority class and the ResourceQuota it needs', () => {
  it('covers system-cluster-critical Pods outside kube-system with a quota scoped to that class', async () => {
    const docs = await render();
    expect(one(docs, 'Deployment').spec.template.spec.priorityClassName).toBe('system-cluster-critical');
    const quota = one(docs, 'ResourceQuota');
    expect(quota.spec.scopeSelector.matchExpressions).toEqual([{ scopeName: 'PriorityClass', operator: 'In', values: ['system-cluster-critical'] }]);
    expect(Number(quota.spec.hard.pods)).toBeGreaterThanOrEqual(3);
  });

  it('needs no quota in kube-system, for its own class, or without a class', async () => {
    const inKubeSystem = await template([], ['--namespace', 'kube-system']);
    expect(inKubeSystem.stdout).not.toContain('kind: ResourceQuota');
    expect(byKind(await render([VALUES('production')]), 'ResourceQuota')).toEqual([]);
    expect(byKind(await render([VALUES('minimal')]), 'ResourceQuota')).toEqual([]);
    expect(one(await render([VALUES('production')]), 'PriorityClass').metadata.name).toBe('meshgate-critical');
  });
});

describe('certificates', () => {
  it('builtin: meshgate creates and rotates the Secret and writes the caBundle (no cert-manager objects)', async () => {
    const docs = await render();
    expect(podConfig(docs).certManagement).toBe('builtin');
    expect(docs.filter((d) => String(d.apiVersion).startsWith('cert-manager.io'))).toEqual([]);
    expect(rule(one(docs, 'Role', 'meshgate'), 'secrets').flatMap((r) => r.verbs)).toEqual(expect.arrayContaining(['create', 'update']));
  });

  it('certManager: a Certificate for the Service names into the Secret meshgate follows, and the CA injector annotation', async () => {
    const docs = await render([VALUES('cert-manager')]);
    const config = podConfig(docs);
    expect(config.certManagement).toBe('external');
    const cert = one(docs, 'Certificate', 'meshgate-serving');
    expect(cert.spec.secretName).toBe(config.secretName);
    expect(cert.spec.dnsNames).toEqual(servingSans(config));
    expect(cert.spec.issuerRef).toEqual({ name: 'meshgate-ca', kind: 'Issuer', group: 'cert-manager.io' });
    expect(one(docs, 'Certificate', 'meshgate-ca').spec.isCA).toBe(true);
    expect(
      byKind(docs, 'Issuer')
        .map((i) => i.metadata.name)
        .sort(),
    ).toEqual(['meshgate-ca', 'meshgate-selfsigned']);
    for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']) {
      expect(one(docs, kind).metadata.annotations).toEqual({ 'cert-manager.io/inject-ca-from': 'meshgate-system/meshgate-serving' });
    }
    // meshgate only reads the Secret cert-manager writes.
    expect(
      rule(one(docs, 'Role', 'meshgate'), 'secrets')
        .flatMap((r) => r.verbs)
        .sort(),
    ).toEqual(['get', 'list', 'watch']);
  });

  it('certManager with an issuerRef uses it and creates no Issuer', async () => {
    const docs = await render([VALUES('custom-webhooks')]);
    expect(byKind(docs, 'Issuer')).toEqual([]);
    expect(one(docs, 'Certificate').spec.issuerRef).toEqual({ name: 'platform-ca', kind: 'ClusterIssuer', group: 'cert-manager.io' });
  });
});

describe('revisions and tags', () => {
  it('a revision install selects only istio.io/rev=<revision> and its tags, under its own names', async () => {
    const docs = await render([VALUES('revision-canary')]);
    const config = podConfig(docs);
    expect(config.revision).toBe('canary');
    expect(config.validatingWebhookName).toBe('');
    const mwc = one(docs, 'MutatingWebhookConfiguration');
    expect(mwc.metadata.name).toBe('meshgate-sidecar-injector-canary');
    const selected = (mwc.webhooks as Obj[]).map(
      (w) => [...w.namespaceSelector.matchExpressions, ...w.objectSelector.matchExpressions].find((e: Obj) => e.key === 'istio.io/rev' && e.operator === 'In')?.values[0],
    );
    expect(selected).toEqual(['canary', 'canary', 'prod', 'prod', 'stable', 'stable']);
    expect(new Set(mwc.webhooks.map((w: Obj) => w.name)).size).toBe(6);
    expect(one(docs, 'Deployment').metadata.name).toBe('meshgate-canary');
    expect(byKind(docs, 'ValidatingWebhookConfiguration')).toEqual([]);
    // Istio's ConfigMaps of the revision, as istiod names them.
    expect([config.injectorConfigMap, config.meshConfigMap]).toEqual(['istio-sidecar-injector-canary', 'istio-canary']);
  });
});

describe("Istio's configuration", () => {
  it("reads the revision's ConfigMaps in Istio's namespace, with istiod's settings that change injection", async () => {
    const docs = await render([VALUES('istio-migration')]);
    const config = podConfig(docs);
    expect(config).toMatchObject({
      istioNamespace: 'istio-control',
      injectorConfigMap: 'istio-sidecar-injector-1-31',
      meshConfigMap: 'istio-1-31',
      nativeSidecars: 'false',
      controlPlaneEnv: { COMPLIANCE_POLICY: 'fips-140-3', ENABLE_NATIVE_SIDECARS: 'false' },
    });
    expect(one(docs, 'Role', 'meshgate-1-31-istio-config').metadata.namespace).toBe('istio-control');
  });

  it('sets no control-plane environment by default, and grants get on Namespaces (OpenShift lookup)', async () => {
    const docs = await render();
    expect(podConfig(docs).controlPlaneEnv).toEqual({});
    expect(rule(one(docs, 'ClusterRole'), 'namespaces')).toEqual([{ apiGroups: [''], resources: ['namespaces'], verbs: ['get'] }]);
  });
});

describe('observability and network policy', () => {
  it("ServiceMonitor and PodMonitor scrape /metrics over HTTPS, trusting the Secret's CA", async () => {
    const docs = await render([VALUES('cert-manager')]);
    const sm = one(docs, 'ServiceMonitor');
    expect(sm.spec.endpoints[0]).toMatchObject({
      port: 'https-webhook',
      path: '/metrics',
      scheme: 'https',
      tlsConfig: { serverName: 'meshgate.meshgate-system.svc', ca: { secret: { name: 'meshgate-certs', key: 'ca.crt' } } },
    });
    expect(sm.metadata.labels.release).toBe('kube-prometheus-stack');
    expect(one(docs, 'PodMonitor').spec.podMetricsEndpoints[0]).toMatchObject({ port: 'https', interval: '15s' });
    const builtin = await render([{ metrics: { serviceMonitor: { enabled: true } } }]);
    expect(one(builtin, 'ServiceMonitor').spec.endpoints[0].tlsConfig.ca.secret.key).toBe('ca-bundle.crt');
  });

  it('the NetworkPolicy lets the API server in on the webhook port, Prometheus on the metrics ports, and meshgate out to the API only', async () => {
    const np = one(await render([VALUES('production')]), 'NetworkPolicy');
    expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    const prometheus = expect.arrayContaining([expect.objectContaining({ podSelector: expect.anything() })]);
    expect(np.spec.ingress.map((r: Obj) => r.from)).toEqual([[{ ipBlock: { cidr: '172.16.0.0/28' } }], prometheus, prometheus]);
    expect(np.spec.ingress.map((r: Obj) => r.ports[0].port)).toEqual(['https', 'http-metrics', 'https']);
    expect(np.spec.egress).toEqual([
      {
        ports: [
          { port: 443, protocol: 'TCP' },
          { port: 6443, protocol: 'TCP' },
        ],
        to: [{ ipBlock: { cidr: '172.16.0.0/28' } }],
      },
    ]);
  });
});

describe('values.schema.json and template checks refuse bad values at install', () => {
  it.each([
    ['an unknown top-level value', { replicas: 3 }, 'replicas'],
    ['zero replicas', { replicaCount: 0 }, 'replicaCount'],
    ['a digest that is not sha256', { image: { digest: 'abc' } }, 'digest'],
    ['an unknown certificate mode', { certificates: { mode: 'vault' } }, 'mode'],
    ['a lower-case failure policy', { webhooks: { injection: { failurePolicy: 'fail' } } }, 'failurePolicy'],
    ['"default" as a revision', { revision: 'default' }, 'revision'],
    ['a revision that is not a DNS label', { revision: 'Canary_1' }, 'revision'],
    ['an unknown anti-affinity preset', { podAntiAffinity: 'maybe' }, 'podAntiAffinity'],
    ['a selector operator Kubernetes does not have', { webhooks: { validation: { namespaceSelector: [{ key: 'a', operator: 'Equals' }] } } }, 'operator'],
    ['a malformed duration', { certificates: { builtin: { certValidity: '1 year' } } }, 'certValidity'],
    ['creating a system- priority class', { priorityClass: { create: true } }, 'reserved for Kubernetes'],
    ['an istiod setting that is not an environment variable name', { istio: { controlPlaneEnv: { 'COMPLIANCE-POLICY': 'x' } } }, 'controlPlaneEnv'],
    ['an istiod setting with a comma', { istio: { controlPlaneEnv: { A: 'x,y' } } }, 'controlPlaneEnv'],
    ['an Istio namespace that is not a DNS label', { istio: { namespace: 'Istio_System' } }, 'namespace'],
    ['a quota too small for the autoscaler', { autoscaling: { enabled: true, maxReplicas: 30 } }, 'resourceQuota.pods'],
  ])('%s', async (_what, values, mentions) => {
    const res = await template([values]);
    expect(res.code, res.stdout.slice(0, 300)).not.toBe(0);
    expect(res.stderr).toContain(mentions);
  });
});
