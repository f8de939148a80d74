// The install runs in cluster mode and grants exactly what cluster mode uses (README, "Permissions").
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../src/config.js';
import { renderInstall } from '../helpers/kustomize.js';

type Obj = Record<string, any>;
const docs: Obj[] = renderInstall();
const one = (kind: string): Obj => docs.find((d) => d.kind === kind) as Obj;
const rules = (kind: string): string[] =>
  (one(kind).rules as Obj[]).map((r) => `${r.apiGroups.join(',')}/${r.resources.join(',')}${r.resourceNames ? `[${r.resourceNames.join(',')}]` : ''}: ${r.verbs.join(',')}`);

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
    const granted = [...rules('Role'), ...rules('ClusterRole')].join('\n');
    for (const name of [config.secretName, config.injectorConfigMap, config.meshConfigMap, config.mutatingWebhookName, config.validatingWebhookName]) {
      expect(granted).toContain(name);
    }
  });

  it('records admission Events and decides native sidecars from the Nodes by default', () => {
    const config = buildConfig({ flags: {}, env });
    expect(config.admissionEvents).toBe(true);
    expect(config.nativeSidecars).toBe('auto');
  });

  it('grants exactly what cluster mode uses', () => {
    expect(rules('Role')).toEqual([
      '/secrets: create',
      '/secrets[meshgate-certs]: get,list,watch,update',
      '/configmaps[istio-sidecar-injector,istio]: list,watch',
      'coordination.k8s.io/leases: create,get,list,update,delete',
    ]);
    expect(rules('ClusterRole')).toEqual([
      'admissionregistration.k8s.io/mutatingwebhookconfigurations,validatingwebhookconfigurations[meshgate-sidecar-injector,meshgate-validator]: list,watch,update',
      'networking.istio.io/gateways: create',
      '/events: create,patch',
      'apps/replicasets: get',
      'batch/jobs: get',
      '/nodes: list,watch',
    ]);
  });
});
