// The typed round trip `meshgate inject` prints its output through: what Kubernetes' Go types
// make of an object, which is what `istioctl kube-inject` prints (differential group
// "explicit zeros" and the DeploymentConfig round trip).
import { describe, expect, it } from 'vitest';
import { inject } from '../../../src/cli/inject.js';
import { typedRoundTrip, type JsonObject } from '../../../src/inject/index.js';
import { capture } from '../../helpers/cli.js';

const pod = (spec: JsonObject, metadata: JsonObject = { name: 'p' }): JsonObject => ({ apiVersion: 'v1', kind: 'Pod', metadata, spec });
const spec = (o: JsonObject): JsonObject => o['spec'] as JsonObject;
const first = (o: JsonObject): JsonObject => (spec(o)['containers'] as JsonObject[])[0] as JsonObject;

describe('typedRoundTrip', () => {
  it('drops the probe timings Go omits when zero and keeps the others', () => {
    const probe = { httpGet: { port: 8080, path: '' }, initialDelaySeconds: 0, periodSeconds: 5, successThreshold: 0, terminationGracePeriodSeconds: 0 };
    const out = typedRoundTrip(pod({ containers: [{ name: 'app', image: 'x', readinessProbe: probe }] }));
    expect(first(out)['readinessProbe']).toEqual({ httpGet: { port: 8080 }, periodSeconds: 5, terminationGracePeriodSeconds: 0 });
  });

  it('keeps a pointer field when it is zero or false', () => {
    const sc = { runAsUser: 0, privileged: false, runAsNonRoot: false };
    expect(first(typedRoundTrip(pod({ containers: [{ name: 'app', securityContext: sc }] })))['securityContext']).toEqual(sc);
  });

  it('drops empty lists, empty strings and unknown fields', () => {
    const c = { name: 'app', image: 'x', env: [{ name: 'A', value: '' }], ports: [], args: [], bogus: 1 };
    expect(first(typedRoundTrip(pod({ containers: [c] })))).toEqual({ name: 'app', image: 'x', env: [{ name: 'A' }] });
  });

  it('drops unknown fields named like Object.prototype members, as Go does', () => {
    const c = JSON.parse('{"name":"app","image":"x","constructor":{"a":1},"toString":"s","hasOwnProperty":0}') as JsonObject;
    expect(first(typedRoundTrip(pod({ containers: [c], constructor: [] }, { name: 'p', valueOf: 1 })))).toEqual({ name: 'app', image: 'x' });
    expect(Object.keys(spec(typedRoundTrip(pod({ containers: [c], constructor: [] }))))).toEqual(['containers']);
  });

  it('keeps a volume source written as {} (it is a pointer)', () => {
    const out = typedRoundTrip(pod({ containers: [{ name: 'app' }], volumes: [{ name: 'd', emptyDir: {} }] }));
    expect(spec(out)['volumes']).toEqual([{ name: 'd', emptyDir: {} }]);
  });

  it('writes the quantities in canonical form', () => {
    const out = typedRoundTrip(pod({ containers: [{ name: 'app', resources: { limits: { cpu: '2000m', memory: '1024Mi' } } }] }));
    expect(first(out)['resources']).toEqual({ limits: { cpu: '2', memory: '1Gi' } });
  });

  it('round-trips a DeploymentConfig as OpenShift types do: test and replicas always written', () => {
    const dc: JsonObject = {
      apiVersion: 'apps.openshift.io/v1',
      kind: 'DeploymentConfig',
      metadata: { name: 'd' },
      spec: { minReadySeconds: 0, paused: false, selector: { app: 'a' } },
    };
    expect(spec(typedRoundTrip(dc))).toEqual({ selector: { app: 'a' }, test: false, replicas: 0 });
  });

  it('leaves kinds kube-inject does not decode alone, also inside a List', () => {
    const svc: JsonObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [], bogus: true } };
    expect(typedRoundTrip(svc)).toBe(svc);
    const list = typedRoundTrip({ apiVersion: 'v1', kind: 'List', items: [svc, pod({ containers: [{ name: 'a', ports: [] }] })] });
    expect(list['items']).toEqual([svc, pod({ containers: [{ name: 'a' }] })]);
  });

  it('is what `meshgate inject` prints for a Deployment with explicit zeros', async () => {
    const deploy =
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n      - name: web\n        image: nginx\n        livenessProbe: {tcpSocket: {port: 80}, initialDelaySeconds: 0, timeoutSeconds: 0}\n';
    const io = capture({ stdin: deploy });
    expect(await inject(['-f', '-'], io)).toBe(0);
    expect(io.out()).toContain('livenessProbe:');
    expect(io.out()).not.toMatch(/initialDelaySeconds: 0|timeoutSeconds: 0/);
  });
});
