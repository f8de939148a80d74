// The install runs in cluster mode and grants exactly what cluster mode uses (README, "Permissions").
import { describe, expect, it } from 'vitest';
import { ANALYZED_RESOURCES } from '../../src/cluster/watch/object-cache.js';
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
    expect(rules('Role', 'meshgate-istio-config')).toEqual([`/configmaps[${config.injectorConfigMap},${config.meshConfigMap}]: list,watch`]);
    expect(one('RoleBinding', 'meshgate-istio-config').subjects).toEqual([{ kind: 'ServiceAccount', name: 'meshgate', namespace: 'meshgate-system' }]);
  });

  it('records admission Events and decides native sidecars from the Nodes by default', () => {
    const config = buildConfig({ flags: {}, env });
    expect(config.admissionEvents).toBe(true);
    expect(config.nativeSidecars).toBe('auto');
  });

  it('grants exactly what cluster mode uses', () => {
    expect(rules('Role', 'meshgate')).toEqual([
      '/secrets: create',
      '/secrets[meshgate-certs]: get,list,watch,update',
      'apps/deployments[meshgate]: get',
      'coordination.k8s.io/leases: create,get,list,update,delete',
    ]);
    expect(rules('ClusterRole')).toEqual([
      'admissionregistration.k8s.io/mutatingwebhookconfigurations,validatingwebhookconfigurations[meshgate-sidecar-injector,meshgate-validator]: list,watch,update',
      'apiextensions.k8s.io/customresourcedefinitions: list,watch',
      'networking.istio.io/gateways: create',
      '/namespaces: get',
      'networking.istio.io/virtualservices,gateways,destinationrules,serviceentries,sidecars: list,watch',
      'gateway.networking.k8s.io/gateways,gatewayclasses,listenersets,httproutes,grpcroutes,tlsroutes,tcproutes,udproutes,referencegrants: list,watch',
      '/services: list,watch',
      '/events: create,patch',
      'apps/replicasets: get',
      'batch/jobs: get',
      '/nodes: list,watch',
    ]);
  });

  it('lets the analysis cache list and watch every resource it follows', () => {
    const granted = rules('ClusterRole');
    for (const r of ANALYZED_RESOURCES) {
      expect(
        granted.some((g) => g.startsWith(`${r.group}/`) && g.split('/')[1]?.split(':')[0]?.split(',').includes(r.plural) && g.endsWith('list,watch')),
        `${r.group}/${r.plural}`,
      ).toBe(true);
    }
  });
});
