// The install in manifests/: it builds with kustomize, it is the chart's default rendering
// (generated from it: test/chart/manifests.test.ts), and it has the properties the README
// promises (replicas, hardening, probes, webhook selectors, excluded namespaces).
import { describe, expect, it } from 'vitest';
import { render } from './chart/helm.js';
import { renderInstall } from './helpers/kustomize.js';

type Obj = Record<string, any>;

const docs = renderInstall();
const byKind = (kind: string): Obj[] => docs.filter((d) => d.kind === kind);
const one = (kind: string): Obj => {
  const found = byKind(kind);
  expect(found).toHaveLength(1);
  return found[0] as Obj;
};

describe('manifests/ (kubectl kustomize)', () => {
  it('has every object of the install', () => {
    expect(docs.map((d) => d.kind).sort()).toEqual(
      [
        'ClusterRole',
        'ClusterRoleBinding',
        'Deployment',
        'MutatingWebhookConfiguration',
        'Namespace',
        'PodDisruptionBudget',
        'ResourceQuota',
        'Role',
        'Role',
        'RoleBinding',
        'RoleBinding',
        'Service',
        'ServiceAccount',
        'ValidatingWebhookConfiguration',
      ].sort(),
    );
    for (const d of docs.filter((x) => !['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'].includes(x.kind))) {
      expect(d.metadata.namespace, `${d.kind} ${d.metadata.name}`).toBe(d.metadata.name === 'meshgate-istio-config' ? 'istio-system' : 'meshgate-system');
    }
  });

  it('runs two hardened replicas with probes and resources', () => {
    const deploy = one('Deployment');
    expect(deploy.spec.replicas).toBe(2);
    const pod = deploy.spec.template.spec;
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    const c = pod.containers[0];
    expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(c.readinessProbe.httpGet).toMatchObject({ path: '/readyz', scheme: 'HTTPS' });
    expect(c.livenessProbe.httpGet).toMatchObject({ path: '/healthz', scheme: 'HTTPS' });
    expect(c.resources.requests).toBeDefined();
    expect(c.resources.limits).toBeDefined();
    expect(c.image).toMatch(/meshgate:/);
  });

  it('serves plaintext metrics where the scrape annotations say', () => {
    const template = one('Deployment').spec.template;
    const c = template.spec.containers[0];
    const listen = (c.env as Obj[]).find((e) => e.name === 'MESHGATE_METRICS_LISTEN')?.value as string;
    const port = listen.slice(listen.lastIndexOf(':') + 1);
    expect(template.metadata.annotations).toEqual({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': port, 'prometheus.io/path': '/metrics' });
    expect(c.ports).toContainEqual({ name: 'http-metrics', containerPort: Number(port), protocol: 'TCP' });
  });

  it('exposes 443 → the container port and protects availability', () => {
    const svc = one('Service');
    expect(svc.spec.ports[0]).toMatchObject({ port: 443, targetPort: 'https' });
    expect(one('PodDisruptionBudget').spec.minAvailable).toBe(1);
  });

  it("declares the mutating webhook with Istio's selector scheme", () => {
    const mwc = one('MutatingWebhookConfiguration');
    expect(mwc.webhooks.map((w: Obj) => w.name.replace('.sidecar-injector.meshgate.io', ''))).toEqual(['rev.namespace', 'rev.object', 'namespace', 'object']);
    for (const w of mwc.webhooks) {
      expect(w).toMatchObject({ sideEffects: 'NoneOnDryRun', admissionReviewVersions: ['v1', 'v1beta1'], failurePolicy: 'Fail', timeoutSeconds: 10 });
      expect(w.clientConfig.service).toMatchObject({ name: 'meshgate', namespace: 'meshgate-system', path: '/inject', port: 443 });
      const excluded = w.namespaceSelector.matchExpressions.find((e: Obj) => e.key === 'kubernetes.io/metadata.name');
      expect(excluded.operator).toBe('NotIn');
      expect(excluded.values).toEqual(expect.arrayContaining(['kube-system', 'meshgate-system']));
    }
    const ns = mwc.webhooks[2];
    expect(ns.namespaceSelector.matchExpressions[0]).toEqual({ key: 'istio-injection', operator: 'In', values: ['enabled'] });
    const obj = mwc.webhooks[3];
    expect(obj.objectSelector.matchExpressions[0]).toEqual({ key: 'sidecar.istio.io/inject', operator: 'In', values: ['true'] });
  });

  it('declares the validating webhook for the Istio and Gateway API groups, failing open', () => {
    const vwc = one('ValidatingWebhookConfiguration');
    const w = vwc.webhooks[0];
    expect(w.failurePolicy).toBe('Ignore');
    expect(w.rules[0].apiGroups).toEqual(
      expect.arrayContaining(['networking.istio.io', 'security.istio.io', 'telemetry.istio.io', 'extensions.istio.io', 'gateway.networking.k8s.io']),
    );
    expect(w.rules[0].operations).toEqual(['CREATE', 'UPDATE']);
    expect(w.namespaceSelector.matchExpressions[0].values).toEqual(['kube-system', 'meshgate-system']);
  });

  it('lets system-cluster-critical Pods in where the cluster limits that class to namespaces with a quota (GKE)', () => {
    expect(one('Deployment').spec.template.spec.priorityClassName).toBe('system-cluster-critical');
    expect(one('ResourceQuota').spec.scopeSelector.matchExpressions).toEqual([{ scopeName: 'PriorityClass', operator: 'In', values: ['system-cluster-critical'] }]);
  });

  it('is what helm template renders from the chart with the default values, object by object', async () => {
    const helmLabels = ['helm.sh/chart', 'app.kubernetes.io/managed-by'];
    const strip = (o: Obj): Obj => {
      const labels = Object.fromEntries(Object.entries(o.metadata.labels ?? {}).filter(([k]) => !helmLabels.includes(k)));
      return { ...o, metadata: { ...o.metadata, labels } };
    };
    const key = (o: Obj): string => `${o.kind}/${o.metadata.name}`;
    const fromChart = new Map((await render()).map((o) => [key(o), strip(o)]));
    for (const d of docs.filter((x) => x.kind !== 'Namespace')) expect(d, key(d)).toEqual(fromChart.get(key(d)));
    expect(docs.length).toBe(fromChart.size + 1);
  });

  it('grants webhook-configuration access only by name', () => {
    const role = one('ClusterRole');
    const rule = role.rules.find((r: Obj) => r.apiGroups.includes('admissionregistration.k8s.io'));
    expect(rule.resourceNames).toEqual(['meshgate-sidecar-injector', 'meshgate-validator']);
    expect(rule.verbs).not.toContain('delete');
    expect(rule.verbs).not.toContain('create');
  });
});
