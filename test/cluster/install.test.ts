// The install runs in cluster mode and grants exactly what cluster mode uses (README, "Permissions").
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../src/config.js';
import { renderInstall } from '../helpers/kustomize.js';

type Obj = Record<string, any>;
const docs: Obj[] = renderInstall();
const one = (kind: string, name?: string): Obj => docs.find((d) => d.kind === kind && (name === undefined || d.metadata.name === name)) as Obj;
const rules = (kind: string, name?: string): string[] =>
  (one(kind, name).rules as Obj[]).map((r) => `${r.apiGroups.join(',')}/${r.resources.join(',')}${r.resourceNames ? `[${r.resourceNames.join(',')}]` : ''}: ${r.verbs.join(',')}`);

describe('the install in cluster mode', () => {
  const container = one('Deployment').spec.template.spec.containers[0];
  const env = Object.fromEntries((container.env as Obj[]).map((e) => [e.name, e.value]));

  it('runs meshgate serve in cluster mode, writing certificates to a writable in-memory volume', () => {
    const config = buildConfig({ flags: {}, env });
    expect(config.cluster).toBe(true);
    const mount = (container.volumeMounts as Obj[]).find((m) => m.mountPath === config.certDir);
    expect(mount?.readOnly).toBeFalsy();
    const volume = (one('Deployment').spec.template.spec.volumes as Obj[]).find((v) => v.name === mount?.name);
    expect(volume?.emptyDir).toMatchObject({ medium: 'Memory' });
    expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
  });

  it('uses the names the RBAC grants', () => {
    const config = buildConfig({ flags: {}, env, podNamespace: 'meshgate-system' });
    const granted = [...rules('Role', 'meshgate'), ...rules('ClusterRole')].join('\n');
    for (const name of [config.secretName, config.mutatingWebhookName, config.validatingWebhookName]) expect(granted).toContain(name);
    const istio = one('Role', 'meshgate-istio-config');
    expect(istio.metadata.namespace).toBe(config.istioNamespace);
    expect(rules('Role', 'meshgate-istio-config')).toEqual(['/configmaps[istio-sidecar-injector,istio]: list,watch']);
  });

  it('grants exactly what cluster mode uses', () => {
    expect(rules('Role', 'meshgate')).toEqual([
      '/secrets: create',
      '/secrets[meshgate-certs]: get,list,watch,update',
      'coordination.k8s.io/leases: create,get,list,update,delete',
    ]);
    expect(rules('ClusterRole')).toEqual([
      'admissionregistration.k8s.io/mutatingwebhookconfigurations,validatingwebhookconfigurations[meshgate-sidecar-injector,meshgate-validator]: list,watch,update',
      'networking.istio.io/gateways: create',
      '/namespaces: get',
    ]);
  });
});
