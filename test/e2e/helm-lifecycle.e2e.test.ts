// The chart's life on a cluster: `helm install` of a release of its own (revision `lifecycle`
// in namespace meshgate-lifecycle, so it never touches the shared install), its Pods admitted
// with system-cluster-critical where the API server limits that class (the chart's quota),
// injection and validation through it, a rejected injection configuration on record as an Event
// on Istio's ConfigMap, `helm upgrade` while meshgate keeps its webhook configurations, and
// `helm uninstall` leaving nothing behind, not even what meshgate created.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForServiceAccount } from './cluster/index.js';
import { freePort, waitFor } from './cluster/net.js';
import { ISTIO_NS, metric, waitReady, webhookConfig } from './cluster-mode.js';
import { CHART_DIR, helmCli, helmOk, startAsPod, valuesFile, type HelmContext, type PodProcess } from './helm-install.js';
import { createNamespace, createPod, e2e, expectInjected, expectNotInjected, kubectl, uniqueName } from './support.js';

const NS = 'meshgate-lifecycle';
const RELEASE = 'lifecycle';
const REVISION = 'lifecycle';
const FULLNAME = `meshgate-${REVISION}`;
const MUTATING = `meshgate-sidecar-injector-${REVISION}`;
const VALIDATING = `meshgate-validator-${REVISION}`;
/** Istio's injector ConfigMap of the revision, which the release reads in istio-system. */
const ISTIO_CONFIGMAP = `istio-sidecar-injector-${REVISION}`;

const INVALID_VS = (namespace: string): object => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: uniqueName('lifecycle'), namespace },
  spec: { hosts: ['orders'], http: [{ redirect: { uri: '/v2' }, route: [{ destination: { host: 'orders' } }] }] },
});

describe('helm install, upgrade and uninstall of charts/meshgate', () => {
  let dir = '';
  let ctx: HelmContext | undefined;
  let pod: PodProcess | undefined;
  let values = '';

  beforeAll(async () => {
    const helm = e2e().helm;
    if (!helm) throw new Error('run with vitest.e2e-helm.config.ts (npm run test:e2e): no Helm install in this run');
    dir = mkdtempSync(join(tmpdir(), 'meshgate-e2e-lifecycle-'));
    ctx = { helm: helm.binary, home: helm.home, kubeconfig: e2e().kubeconfig };
    const port = await freePort();
    values = valuesFile(dir, RELEASE, {
      revision: REVISION,
      webhooks: { url: `https://127.0.0.1:${port}` },
      certificates: { extraSANs: ['127.0.0.1'] },
      istio: { nativeSidecars: e2e().meshgate.nativeSidecars },
      events: { enabled: true },
    });
    await helmOk(ctx, ['install', RELEASE, CHART_DIR, '--namespace', NS, '--create-namespace', '--values', values]);
    await waitForServiceAccount(kubectl(), NS);
    pod = await startAsPod({ k: kubectl(), server: e2e().server, caFile: e2e().caFile, namespace: NS, deployment: FULLNAME, port, dir });
    await waitReady(pod);
  }, 240_000);

  afterAll(async () => {
    await pod?.stop();
    if (ctx) await helmCli(ctx)(['uninstall', RELEASE, '--namespace', NS, '--ignore-not-found']);
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it("its Deployment's Pods are admitted with priority class system-cluster-critical: the chart brings the quota that class needs", async () => {
    type PodList = { items: { spec: { priorityClassName?: string } }[] };
    let pods: PodList['items'] = [];
    await waitFor(
      async () => {
        pods = (await kubectl().json<PodList>(['get', 'pods', '-n', NS, '-l', `app=${FULLNAME}`])).items;
        return pods.length === 2;
      },
      { what: `2 Pods of Deployment ${FULLNAME}`, timeoutMs: 90_000, intervalMs: 500 },
    );
    expect(pods.map((p) => p.spec.priorityClassName)).toEqual(['system-cluster-critical', 'system-cluster-critical']);
    // Without the quota the same Pod is refused, as GKE refuses it.
    const elsewhere = await createNamespace('e2e-no-quota');
    const res = await kubectl().run([
      'run',
      'critical',
      '-n',
      elsewhere,
      '--image=registry.e2e.meshgate.test/app:1.0',
      '--overrides',
      JSON.stringify({ spec: { priorityClassName: 'system-cluster-critical' } }),
    ]);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain('insufficient quota to match these scopes');
  });

  it('injects Pods selecting its revision and validates through its own webhook', async () => {
    const ns = await createNamespace('e2e-lifecycle', { 'istio.io/rev': REVISION });
    expectInjected(await createPod('web', ns), e2e().meshgate.nativeSidecars);
    const before = await metric(pod as PodProcess, 'galley_validation_failed');
    // A real create (refused, so nothing is stored): galley_validation_failed leaves dry runs out, as Istio's does.
    const res = await kubectl().run(['create', '-f', '-'], { input: JSON.stringify(INVALID_VS(ns)) });
    expect(res.code).not.toBe(0);
    expect(await metric(pod as PodProcess, 'galley_validation_failed')).toBeGreaterThan(before);
  });

  it('meshgate writes the caBundle, fails the validator closed and records Events; helm upgrade keeps both', async () => {
    const k = kubectl();
    const settled = async (): Promise<boolean> => {
      const v = await webhookConfig(k, 'validatingwebhookconfiguration', VALIDATING);
      const m = await webhookConfig(k, 'mutatingwebhookconfiguration', MUTATING);
      return v.webhooks.every((w) => w.failurePolicy === 'Fail' && (w.clientConfig.caBundle ?? '') !== '') && m.webhooks.every((w) => (w.clientConfig.caBundle ?? '') !== '');
    };
    await waitFor(settled, { what: 'caBundle everywhere and the validator failing closed', timeoutMs: 60_000, intervalMs: 300 });
    // events.enabled: what the leader did is on record, on the objects it concerns.
    type EventList = { items: { reason: string; involvedObject: { kind: string; name: string } }[] };
    await waitFor(async () => (await k.json<EventList>(['get', 'events', '-n', NS])).items.some((e) => e.reason === 'ValidatingWebhookFailClosed'), {
      what: 'Events',
      timeoutMs: 30_000,
      intervalMs: 500,
    });
    const events = (await k.json<EventList>(['get', 'events', '-n', NS])).items.map((e) => `${e.reason} ${e.involvedObject.kind}/${e.involvedObject.name}`);
    expect(events).toEqual(expect.arrayContaining([`LeaderElected Lease/${FULLNAME}-leader`, `ValidatingWebhookFailClosed Lease/${FULLNAME}-leader`]));
    const out = await helmOk(ctx as HelmContext, ['upgrade', RELEASE, CHART_DIR, '--namespace', NS, '--values', values]);
    expect(out).toContain('has been upgraded');
    await waitFor(settled, { what: 'caBundle and failurePolicy Fail after helm upgrade', timeoutMs: 30_000, intervalMs: 300 });
    const ns = await createNamespace('e2e-upgraded', { 'istio.io/rev': REVISION });
    expectInjected(await createPod('web', ns), e2e().meshgate.nativeSidecars);
  });

  it("a configuration it cannot use is an Event on Istio's ConfigMap, and the last good one keeps injecting", async () => {
    const k = kubectl();
    // The revision's injector ConfigMap, where Istio keeps it, with a template that does not parse.
    const broken = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: ISTIO_CONFIGMAP, namespace: ISTIO_NS }, data: { config: 'templates:\n  sidecar: "{{ if }}"\n' } };
    await k.ok(['apply', '-f', '-'], { input: JSON.stringify(broken) });
    type EventList = { items: { reason: string; message: string; involvedObject: { kind: string; name: string } }[] };
    const rejected = async (): Promise<EventList['items']> =>
      (await k.json<EventList>(['get', 'events', '-n', ISTIO_NS])).items.filter((e) => e.reason === 'InjectionConfigRejected' && e.involvedObject.name === ISTIO_CONFIGMAP);
    await waitFor(async () => (await rejected()).length > 0, {
      what: `an InjectionConfigRejected Event on ConfigMap ${ISTIO_NS}/${ISTIO_CONFIGMAP}`,
      timeoutMs: 30_000,
      intervalMs: 500,
    });
    expect((await rejected())[0]).toMatchObject({ involvedObject: { kind: 'ConfigMap' }, message: expect.stringContaining('template "sidecar"') });
    const ns = await createNamespace('e2e-rejected', { 'istio.io/rev': REVISION });
    expectInjected(await createPod('web', ns), e2e().meshgate.nativeSidecars);
    await k.ok(['delete', 'configmap', ISTIO_CONFIGMAP, '-n', ISTIO_NS]);
  });

  it('helm uninstall removes every object of the release and what meshgate created for it', async () => {
    const k = kubectl();
    // What meshgate made at run time carries the Deployment as owner, so the garbage collector takes it.
    const secret = await k.json<{ metadata: { ownerReferences?: { kind: string; name: string }[] } }>(['get', 'secret', `${FULLNAME}-certs`, '-n', NS]);
    expect(secret.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Deployment', name: FULLNAME })]);
    await pod?.stop();
    await helmOk(ctx as HelmContext, ['uninstall', RELEASE, '--namespace', NS, '--wait']);
    const leftovers = async (): Promise<string[]> => {
      const namespaced = await k.ok(['get', 'all,secrets,configmaps,leases,serviceaccounts,roles,rolebindings,resourcequotas,poddisruptionbudgets', '-n', NS, '-o', 'name']);
      // The Role and RoleBinding that let the release read Istio's ConfigMaps go too.
      const inIstio = await k.ok(['get', 'roles,rolebindings', '-n', ISTIO_NS, '-o', 'name']);
      const clusterWide = await k.ok(['get', 'mutatingwebhookconfigurations,validatingwebhookconfigurations,clusterroles,clusterrolebindings', '-o', 'name']);
      const expected = new Set(['serviceaccount/default', 'configmap/kube-root-ca.crt']);
      return [...namespaced.split('\n'), ...[...clusterWide.split('\n'), ...inIstio.split('\n')].filter((n) => n.includes(FULLNAME) || n.includes(`-${REVISION}`))].filter(
        (n) => n !== '' && !expected.has(n),
      );
    };
    let left: string[] = [];
    await waitFor(async () => (left = await leftovers()).length === 0, { what: 'nothing left after helm uninstall', timeoutMs: 60_000, intervalMs: 500 }).catch(() => undefined);
    expect(left).toEqual([]);
    expect((await helmCli(ctx as HelmContext)(['status', RELEASE, '--namespace', NS])).code).not.toBe(0);
    // No webhook of the release is left to call: a Pod selecting the revision is created as it is.
    const ns = await createNamespace('e2e-uninstalled', { 'istio.io/rev': REVISION });
    expectNotInjected(await createPod('web', ns));
  });
});
