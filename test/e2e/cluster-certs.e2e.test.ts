// Cluster mode (issue 6): two meshgate replicas with the install's ServiceAccount and RBAC,
// behind a round-robin "Service", look after their own certificate Secret, the CA bundle and
// failure policy of the webhook configurations, and a certificate rotation under load.
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, CustomObjectsApi, KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, waitFor } from './cluster/net.js';
import {
  MUTATING,
  NS,
  SECRET,
  VALIDATING,
  applyWebhooks,
  installRbac,
  injectedNamespace,
  logged,
  metric,
  publishedBundle,
  readSecret,
  keepLogs,
  resetClusterState,
  restoreSharedWebhooks,
  sameCerts,
  servedCertificate,
  serviceAccountKubeconfig,
  signedBy,
  startClusterMeshgate,
  startRoundRobin,
  waitReady,
  webhookConfig,
  type ClusterMeshgate,
  type RoundRobin,
} from './cluster-mode.js';
import { e2e, kubectl } from './support.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('cluster mode: certificates, CA bundle, failure policy and rotation (issue 6)', () => {
  let dir = '';
  let replicas: ClusterMeshgate[] = [];
  let service: RoundRobin | undefined;
  let deadUrl = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meshgate-e2e-cluster-'));
    const k = kubectl();
    await resetClusterState(k);
    await installRbac(k);
    const kubeconfig = await serviceAccountKubeconfig(k, dir);
    service = await startRoundRobin();
    // The validating webhook first points where nothing answers: the probe cannot succeed.
    deadUrl = `https://127.0.0.1:${await freePort()}`;
    await applyWebhooks(k, service.url, deadUrl);
    replicas = await Promise.all(['replica-a', 'replica-b'].map((name) => startClusterMeshgate({ dir, name, kubeconfig })));
    service.setBackends(replicas.map((r) => r.port));
    await Promise.all(replicas.map((r) => waitReady(r)));
  }, 180_000);

  afterAll(async () => {
    for (const r of replicas) await r.stop();
    await service?.close();
    await resetClusterState(kubectl());
    await restoreSharedWebhooks();
    if (dir && !keepLogs()) rmSync(dir, { recursive: true, force: true });
    else if (dir) console.log(`cluster-mode logs kept in ${dir}`);
  }, 120_000);

  it('two replicas started together end with one Secret and one CA, and both serve certificates it signed', async () => {
    const k = kubectl();
    const secrets = await k.json<{ items: { metadata: { name: string } }[] }>(['get', 'secrets', '-n', NS]);
    expect(secrets.items.map((s) => s.metadata.name).filter((n) => n.startsWith('meshgate'))).toEqual([SECRET]);
    const secret = await readSecret(k);
    expect(secret?.bundle, 'one CA in the bundle').toHaveLength(1);
    for (const r of replicas) {
      const served = await servedCertificate(r.port);
      expect(signedBy(served, secret?.caCert ?? ''), `${r.name} serves a certificate signed by the Secret's CA`).toBe(true);
      expect(served.fingerprint256).toBe(new X509Certificate(secret?.servingCert ?? '').fingerprint256);
      expect(served.subjectAltName).toContain(`DNS:meshgate.${NS}.svc`);
    }
    const created = replicas.flatMap((r) => logged(r, 'created the certificate Secret with a new CA'));
    const lost = replicas.flatMap((r) => logged(r, 'another replica created the certificate Secret first'));
    expect(created, 'exactly one replica created the Secret').toHaveLength(1);
    // The other either lost the create race or found the Secret already there.
    expect(lost.length).toBeLessThanOrEqual(1);
    await waitFor(async () => (await Promise.all(replicas.map((r) => metric(r, 'meshgate_leader')))).reduce((a, b) => a + b, 0) === 1, {
      what: 'exactly one leader',
      timeoutMs: 30_000,
    });
  });

  it('puts the CA in both webhook configurations and repairs an edited caBundle within 10 seconds', async () => {
    const k = kubectl();
    const ca = (await readSecret(k))?.caCert ?? '';
    await waitFor(
      async () =>
        sameCerts(await publishedBundle(k, 'mutatingwebhookconfiguration', MUTATING), ca) && sameCerts(await publishedBundle(k, 'validatingwebhookconfiguration', VALIDATING), ca),
      { what: 'CA bundle published', timeoutMs: 30_000 },
    );
    // Another CA (the cluster's own): well-formed, but not the one that signed meshgate's certificate.
    const bogus = Buffer.from(readFileSync(e2e().caFile, 'utf8')).toString('base64');
    const timings: Record<string, number> = {};
    for (const [kind, name] of [
      ['mutatingwebhookconfiguration', MUTATING],
      ['validatingwebhookconfiguration', VALIDATING],
    ] as const) {
      const patch = JSON.stringify([{ op: 'replace', path: '/webhooks/0/clientConfig/caBundle', value: bogus }]);
      await k.ok(['patch', kind, name, '--type', 'json', '-p', patch]);
      const edited = Date.now();
      await waitFor(async () => sameCerts(await publishedBundle(k, kind, name), ca), { what: `${name} caBundle repaired`, timeoutMs: 10_000, intervalMs: 100 });
      timings[name] = Date.now() - edited;
    }
    // A re-apply of the install's manifests (no caBundle at all) is repaired too.
    await applyWebhooks(k, service?.url ?? '', deadUrl);
    const reapplied = Date.now();
    await waitFor(async () => sameCerts(await publishedBundle(k, 'mutatingwebhookconfiguration', MUTATING), ca), {
      what: 'caBundle after re-apply',
      timeoutMs: 10_000,
      intervalMs: 100,
    });
    timings['re-apply'] = Date.now() - reapplied;
    console.log(`caBundle repair times (ms): ${JSON.stringify(timings)}`);
    for (const ms of Object.values(timings)) expect(ms).toBeLessThan(10_000);
    const leader = await leaderOf(replicas);
    expect(await metric(leader, 'meshgate_webhook_cabundle_last_reconcile_timestamp_seconds', { configuration: MUTATING })).toBeGreaterThan(Date.now() / 1000 - 60);
  });

  it('keeps the validating webhook at Ignore until the dry-run probe is denied by meshgate, then switches it to Fail', async () => {
    const k = kubectl();
    const leader = await leaderOf(replicas);
    // Pointed at nothing: the probe Gateway is admitted (failurePolicy Ignore), nothing is proven.
    await waitFor(async () => (await metric(leader, 'meshgate_validation_probe_total', { result: 'not_proven' })) >= 1, { what: 'a failed probe', timeoutMs: 30_000 });
    await sleep(5_000);
    const still = await webhookConfig(k, 'validatingwebhookconfiguration', VALIDATING);
    expect(still.webhooks.map((w) => w.failurePolicy)).toEqual(['Ignore']);
    expect(await metric(leader, 'meshgate_validation_probe_total', { result: 'proven' })).toBe(0);
    // Pointed at meshgate: the next probe is denied, and only then the policy becomes Fail.
    await applyWebhooks(k, service?.url ?? '');
    const repointed = Date.now();
    await waitFor(async () => (await webhookConfig(k, 'validatingwebhookconfiguration', VALIDATING)).webhooks.every((w) => w.failurePolicy === 'Fail'), {
      what: 'failurePolicy Fail',
      timeoutMs: 30_000,
      intervalMs: 200,
    });
    console.log(`validating webhook switched to Fail ${Date.now() - repointed} ms after it was pointed at meshgate`);
    expect(await metric(leader, 'meshgate_validation_probe_total', { result: 'proven' })).toBeGreaterThanOrEqual(1);
    expect(logged(leader, 'the dry-run probe was denied by meshgate')).toHaveLength(1);
    // And it now really fails closed on invalid resources.
    const res = await k.run(['create', '--dry-run=server', '-f', '-'], { input: JSON.stringify(invalidVirtualService('default')) });
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain('denied the request');
  });

  it('rotates the CA and serving certificate during a steady stream of admission requests without a failed request', async () => {
    const k = kubectl();
    await waitFor(async () => (await webhookConfig(k, 'validatingwebhookconfiguration', VALIDATING)).webhooks.every((w) => w.failurePolicy === 'Fail'), {
      what: 'failurePolicy Fail',
      timeoutMs: 30_000,
    });
    const before = await readSecret(k);
    const ns = await injectedNamespace(k, 'e2e-rotation');
    const stream = startStream(ns);
    await sleep(3_000);
    const forced = Date.now();
    await k.ok(['annotate', 'secret', SECRET, '-n', NS, 'meshgate.io/rotate=e2e', '--overwrite']);
    let done = 0;
    await waitFor(
      async () => {
        const s = await readSecret(k);
        if (!s || s.caCert === before?.caCert || s.bundle.length !== 1) return false;
        const served = await Promise.all(replicas.map((r) => servedCertificate(r.port)));
        if (!served.every((c) => signedBy(c, s.caCert))) return false;
        if (!sameCerts(await publishedBundle(k, 'mutatingwebhookconfiguration', MUTATING), s.caCert)) return false;
        done = Date.now();
        return true;
      },
      { what: 'rotation complete', timeoutMs: 120_000, intervalMs: 500 },
    );
    await sleep(3_000);
    const result = await stream.stop();
    console.log(
      `rotation took ${done - forced} ms; ${result.ok} admission requests succeeded during the stream, ${result.failures.length} failed, ${result.notInjected} not injected`,
    );
    expect(result.failures, result.failures.slice(0, 5).join('\n')).toEqual([]);
    expect(result.notInjected).toBe(0);
    expect(result.ok).toBeGreaterThan(20);
    const after = await readSecret(k);
    expect(after?.annotations['meshgate.io/rotate']).toBeUndefined();
    const leader = await leaderOf(replicas);
    for (const step of ['add-ca', 'renew-serving', 'prune-bundle']) {
      expect(await metric(leader, 'meshgate_cert_rotation_steps_total', { step }), step).toBeGreaterThanOrEqual(1);
    }
  }, 240_000);

  it('restores a deleted certificate Secret with the same CA and certificate, failing no request', async () => {
    const k = kubectl();
    const before = await readSecret(k);
    expect(before).toBeDefined();
    const ns = await injectedNamespace(k, 'e2e-secret-deleted');
    const stream = startStream(ns);
    await sleep(2_000);
    const deleted = Date.now();
    await k.ok(['delete', 'secret', SECRET, '-n', NS]);
    let after: Awaited<ReturnType<typeof readSecret>>;
    await waitFor(async () => (after = await readSecret(k)) !== undefined, { what: 'the Secret recreated', timeoutMs: 30_000, intervalMs: 100 });
    const restoredMs = Date.now() - deleted;
    await sleep(3_000);
    const result = await stream.stop();
    console.log(`Secret recreated ${restoredMs} ms after deletion; ${result.ok} admission requests succeeded meanwhile, ${result.failures.length} failed`);
    expect(after?.caCert).toBe(before?.caCert);
    expect(after?.servingCert).toBe(before?.servingCert);
    expect(after?.bundle).toEqual(before?.bundle);
    expect(result.failures, result.failures.slice(0, 5).join('\n')).toEqual([]);
    expect(result.notInjected).toBe(0);
    const served = await Promise.all(replicas.map((r) => servedCertificate(r.port)));
    expect(served.every((c) => signedBy(c, before?.caCert ?? ''))).toBe(true);
    expect(sameCerts(await publishedBundle(k, 'mutatingwebhookconfiguration', MUTATING), before?.caCert ?? '')).toBe(true);
    expect(await metric(await leaderOf(replicas), 'meshgate_cert_rotation_steps_total', { step: 'restore' })).toBe(1);
  }, 120_000);

  it('when the leader stops, the other replica takes over the Lease and keeps the CA bundle', async () => {
    const k = kubectl();
    const leader = await leaderOf(replicas);
    const other = replicas.find((r) => r !== leader) as ClusterMeshgate;
    service?.setBackends([other.port]);
    const stopped = Date.now();
    await leader.stop();
    await waitFor(async () => (await metric(other, 'meshgate_leader')) === 1, { what: `${other.name} leading`, timeoutMs: 30_000, intervalMs: 200 });
    console.log(`${other.name} took over ${Date.now() - stopped} ms after the leader was stopped (it released the Lease)`);
    const ca = (await readSecret(k))?.caCert ?? '';
    const bogus = Buffer.from(readFileSync(e2e().caFile, 'utf8')).toString('base64');
    await k.ok([
      'patch',
      'mutatingwebhookconfiguration',
      MUTATING,
      '--type',
      'json',
      '-p',
      JSON.stringify([{ op: 'replace', path: '/webhooks/0/clientConfig/caBundle', value: bogus }]),
    ]);
    await waitFor(async () => sameCerts(await publishedBundle(k, 'mutatingwebhookconfiguration', MUTATING), ca), {
      what: 'caBundle repaired by the new leader',
      timeoutMs: 10_000,
      intervalMs: 100,
    });
  });
});

async function leaderOf(replicas: readonly ClusterMeshgate[]): Promise<ClusterMeshgate> {
  let found: ClusterMeshgate | undefined;
  await waitFor(
    async () => {
      for (const r of replicas) if ((await metric(r, 'meshgate_leader')) === 1) found = r;
      return found !== undefined;
    },
    { what: 'the leader', timeoutMs: 30_000 },
  );
  return found as ClusterMeshgate;
}

function invalidVirtualService(namespace: string): object {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'route-and-redirect', namespace },
    spec: { hosts: ['orders'], http: [{ redirect: { uri: '/v2' }, route: [{ destination: { host: 'orders' } }] }] },
  };
}

interface StreamResult {
  readonly ok: number;
  readonly notInjected: number;
  readonly failures: string[];
}

/**
 * Four workers creating, as server-side dry runs, Pods in an injected namespace (mutating
 * webhook, failurePolicy Fail) and valid VirtualServices (validating webhook, Fail), back to back.
 */
function startStream(namespace: string): { stop(): Promise<StreamResult> } {
  const kc = new KubeConfig();
  kc.loadFromFile(e2e().kubeconfig);
  const core = kc.makeApiClient(CoreV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  let running = true;
  let ok = 0;
  let notInjected = 0;
  const failures: string[] = [];
  const one = async (i: number): Promise<void> => {
    const at = new Date().toISOString();
    try {
      if (i % 2 === 0) {
        const pod: V1Pod = await core.createNamespacedPod({
          namespace,
          dryRun: 'All',
          body: { metadata: { name: `stream-${i}` }, spec: { containers: [{ name: 'app', image: 'registry.e2e.meshgate.test/app:1' }] } },
        });
        const names = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c) => c.name);
        if (!names.includes('istio-proxy')) notInjected++;
      } else {
        const body = {
          apiVersion: 'networking.istio.io/v1',
          kind: 'VirtualService',
          metadata: { name: `stream-${i}`, namespace },
          spec: { hosts: ['orders'], http: [{ route: [{ destination: { host: 'orders' } }] }] },
        };
        await custom.createNamespacedCustomObject({ group: 'networking.istio.io', version: 'v1', namespace, plural: 'virtualservices', body, dryRun: 'All' });
      }
      ok++;
    } catch (e) {
      failures.push(`${at} request ${i}: ${(e as { body?: string }).body ?? (e as Error).message}`);
    }
  };
  let n = 0;
  const worker = async (): Promise<void> => {
    while (running) await one(n++);
  };
  const workers = [worker(), worker(), worker(), worker()];
  return {
    stop: async () => {
      running = false;
      await Promise.all(workers);
      return { ok, notInjected, failures };
    },
  };
}
