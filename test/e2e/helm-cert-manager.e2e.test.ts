// The chart's certManager mode on the e2e cluster, with cert-manager's and the Prometheus
// Operator's real CRDs: `helm install` creates the Issuers, Certificates, ServiceMonitor and
// PodMonitor (the API server checks them against those CRDs' schemas); meshgate waits for the
// Secret cert-manager writes, serves it, hot-reloads a renewed one, and never writes the
// caBundle that the CA injector owns. The writes of cert-manager's controller and CA injector
// are performed by ./cert-manager.ts (its binaries are not available as Go modules).
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyPair } from '../../src/certs/pki.js';
import { installModuleCrds } from './cluster/crds.js';
import { freePort, waitFor } from './cluster/net.js';
import { CRD_MODULES } from './cluster/versions.js';
import { b64, injectCA, issue, newCA, setBundle } from './cert-manager.js';
import { insecureGet, logged, metric, sameCerts, servedCertificate, waitReady, webhookConfig } from './cluster-mode.js';
import { CHART_DIR, helmCli, helmOk, startAsPod, valuesFile, type HelmContext, type PodProcess } from './helm-install.js';
import { createNamespace, createPod, e2e, expectInjected, kubectl, uniqueName } from './support.js';

const NS = 'meshgate-cm';
const RELEASE = 'cm';
const FULLNAME = 'meshgate-cm';
const SERVING = `${FULLNAME}-serving`;
const MUTATING = 'meshgate-sidecar-injector-cm';
const VALIDATING = 'meshgate-validator-cm';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const fingerprintOf = (pem: string): string => new X509Certificate(pem).fingerprint256;
const progress = (m: string): void => void process.stderr.write(`[cert-manager e2e] ${m}\n`);

const INVALID_VS = (namespace: string): object => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: uniqueName('cm'), namespace },
  spec: { hosts: ['orders'], http: [{ redirect: { uri: '/v2' }, route: [{ destination: { host: 'orders' } }] }] },
});

async function bundles(): Promise<string[]> {
  const k = kubectl();
  const m = await webhookConfig(k, 'mutatingwebhookconfiguration', MUTATING);
  const v = await webhookConfig(k, 'validatingwebhookconfiguration', VALIDATING);
  return [...m.webhooks, ...v.webhooks].map((w) => w.clientConfig.caBundle ?? '');
}

describe('certManager mode: cert-manager issues, meshgate serves', () => {
  let dir = '';
  let ctx: HelmContext | undefined;
  let pod: PodProcess | undefined;
  let ca: KeyPair | undefined;
  let first: KeyPair | undefined;

  beforeAll(async () => {
    const helm = e2e().helm;
    if (!helm) throw new Error('run with vitest.e2e-helm.config.ts (npm run test:e2e): no Helm install in this run');
    dir = mkdtempSync(join(tmpdir(), 'meshgate-e2e-cm-'));
    ctx = { helm: helm.binary, home: helm.home, kubeconfig: e2e().kubeconfig };
    await installModuleCrds(kubectl(), progress, CRD_MODULES.certManager);
    await installModuleCrds(kubectl(), progress, CRD_MODULES.prometheusOperator);
    const port = await freePort();
    const values = valuesFile(dir, RELEASE, {
      revision: 'cm',
      webhooks: { url: `https://127.0.0.1:${port}` },
      certificates: { mode: 'certManager', extraSANs: ['127.0.0.1'], certManager: { privateKeyAlgorithm: 'RSA', privateKeySize: 2048 } },
      metrics: { serviceMonitor: { enabled: true }, podMonitor: { enabled: true } },
      istio: { nativeSidecars: e2e().meshgate.nativeSidecars },
    });
    await helmOk(ctx, ['install', RELEASE, CHART_DIR, '--namespace', NS, '--create-namespace', '--values', values]);
    pod = await startAsPod({ k: kubectl(), server: e2e().server, caFile: e2e().caFile, namespace: NS, deployment: FULLNAME, port, dir });
  }, 240_000);

  afterAll(async () => {
    await pod?.stop();
    if (ctx) await helmCli(ctx)(['uninstall', RELEASE, '--namespace', NS, '--wait', '--ignore-not-found']);
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('helm install created the cert-manager and Prometheus Operator objects, accepted by their CRDs', async () => {
    const k = kubectl();
    const names = (await k.ok(['get', 'issuers,certificates,servicemonitors,podmonitors', '-n', NS, '-o', 'name'])).trim().split('\n').sort();
    expect(names).toEqual([
      `certificate.cert-manager.io/${FULLNAME}-ca`,
      `certificate.cert-manager.io/${SERVING}`,
      `issuer.cert-manager.io/${FULLNAME}-ca`,
      `issuer.cert-manager.io/${FULLNAME}-selfsigned`,
      `podmonitor.monitoring.coreos.com/${FULLNAME}`,
      `servicemonitor.monitoring.coreos.com/${FULLNAME}`,
    ]);
    const mwc = await k.json<{ metadata: { annotations: Record<string, string> } }>(['get', 'mutatingwebhookconfiguration', MUTATING]);
    expect(mwc.metadata.annotations['cert-manager.io/inject-ca-from']).toBe(`${NS}/${SERVING}`);
  });

  it('meshgate stays unready and creates no Secret until cert-manager writes it, then serves exactly that certificate', async () => {
    const mg = pod as PodProcess;
    await waitFor(async () => (await insecureGet(`${mg.url}/healthz`).catch(() => ({ status: 0 }))).status === 200, {
      what: 'meshgate listening',
      timeoutMs: 30_000,
      intervalMs: 200,
    });
    await sleep(3_000);
    const waiting = await insecureGet(`${mg.url}/readyz`);
    expect(waiting.status).toBe(503);
    expect((await kubectl().run(['get', 'secret', `${FULLNAME}-certs`, '-n', NS])).code).not.toBe(0);
    ca = await newCA('e2e cert-manager CA');
    first = await issue(kubectl(), NS, SERVING, ca);
    await waitReady(mg, 30_000);
    expect((await servedCertificate(mg.port)).fingerprint256).toBe(fingerprintOf(first.cert));
  });

  it("the CA injector's caBundle makes the webhooks work; meshgate proves the validator and fails it closed without touching the caBundle", async () => {
    const k = kubectl();
    const injected = await injectCA(k, 'mutatingwebhookconfiguration', MUTATING);
    await injectCA(k, 'validatingwebhookconfiguration', VALIDATING);
    expect(sameCerts(Buffer.from(injected, 'base64').toString('utf8'), (ca as KeyPair).cert)).toBe(true);
    const ns = await createNamespace('e2e-cm', { 'istio.io/rev': 'cm' });
    expectInjected(await createPod('web', ns), e2e().meshgate.nativeSidecars);
    await waitFor(async () => (await webhookConfig(k, 'validatingwebhookconfiguration', VALIDATING)).webhooks.every((w) => w.failurePolicy === 'Fail'), {
      what: 'the validator failing closed',
      timeoutMs: 60_000,
      intervalMs: 300,
    });
    expect(new Set(await bundles())).toEqual(new Set([injected]));
    const before = await metric(pod as PodProcess, 'galley_validation_failed');
    // A real create (refused, so nothing is stored): galley_validation_failed leaves dry runs out, as Istio's does.
    expect((await k.run(['create', '-f', '-'], { input: JSON.stringify(INVALID_VS(ns)) })).code).not.toBe(0);
    expect(await metric(pod as PodProcess, 'galley_validation_failed')).toBeGreaterThan(before);
  });

  it('never rewrites a caBundle the CA injector owns (builtin mode would repair it within seconds)', async () => {
    const k = kubectl();
    const other = b64(readFileSync(e2e().caFile, 'utf8'));
    const mwc = await webhookConfig(k, 'mutatingwebhookconfiguration', MUTATING);
    await setBundle(k, 'mutatingwebhookconfiguration', MUTATING, mwc.webhooks.length, other, 'e2e-edit');
    await sleep(6_000);
    expect(new Set((await webhookConfig(k, 'mutatingwebhookconfiguration', MUTATING)).webhooks.map((w) => w.clientConfig.caBundle))).toEqual(new Set([other]));
    expect(logged(pod as PodProcess, 'set the CA bundle')).toEqual([]);
    await injectCA(k, 'mutatingwebhookconfiguration', MUTATING);
  });

  it('hot-reloads a renewed certificate and a new CA: no restart, no failed admission', async () => {
    const k = kubectl();
    const mg = pod as PodProcess;
    const reloads = await metric(mg, 'meshgate_tls_reloads_total', { result: 'success' });
    const renewed = await issue(k, NS, SERVING, ca as KeyPair);
    await waitFor(async () => (await servedCertificate(mg.port)).fingerprint256 === fingerprintOf(renewed.cert), {
      what: 'the renewed certificate served',
      timeoutMs: 20_000,
      intervalMs: 200,
    });
    expect(await metric(mg, 'meshgate_tls_reloads_total', { result: 'success' })).toBeGreaterThan(reloads);
    // A new CA: cert-manager writes the Secret, the injector then the bundle; meshgate follows the Secret.
    const nextCA = await newCA('e2e cert-manager CA 2');
    const next = await issue(k, NS, SERVING, nextCA);
    await injectCA(k, 'mutatingwebhookconfiguration', MUTATING);
    await injectCA(k, 'validatingwebhookconfiguration', VALIDATING);
    await waitFor(async () => (await servedCertificate(mg.port)).fingerprint256 === fingerprintOf(next.cert), {
      what: 'the certificate of the new CA served',
      timeoutMs: 20_000,
      intervalMs: 200,
    });
    const ns = await createNamespace('e2e-cm-renewed', { 'istio.io/rev': 'cm' });
    expectInjected(await createPod('web', ns), e2e().meshgate.nativeSidecars);
    expect(mg.daemon.isRunning()).toBe(true);
    expect(new Set(await bundles())).toEqual(new Set([b64(nextCA.cert)]));
  });
});
