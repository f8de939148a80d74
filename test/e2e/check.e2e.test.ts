// `meshgate check` on the e2e cluster: it passes while everything is healthy, and names the
// problem for each fault injected — a caBundle that does not verify the served certificate,
// meshgate down, an expired certificate, and a second injector selecting the same Pods. A
// meshgate of its own (revision `checkrev`) takes the faults, so the shared ones keep working.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueServing } from '../../src/certs/pki.js';
import { meshgateCli, startMeshgate, type Meshgate } from './cluster/meshgate.js';
import { freePort, waitFor } from './cluster/net.js';
import { startDaemon, type Daemon } from './cluster/proc.js';
import { REPO_ROOT } from './cluster/versions.js';
import { keepLogs } from './cluster-mode.js';
import { findingLines, istiodWebhooks, meshgateCheck } from './istiod.js';
import { createNamespace, e2e, kubectl } from './support.js';

const CONFIG = 'meshgate-sidecar-injector-checkrev';
const ENTRY = `${CONFIG}/rev.namespace.sidecar-injector.meshgate.io`;

let dir = '';
let mg: Meshgate | undefined;
let port = 0;

async function installOwn(): Promise<void> {
  if (!mg) throw new Error('meshgate not started');
  await kubectl().ok(['apply', '-f', '-'], { input: await meshgateCli(['manifests', '--url', mg.url, '--ca-bundle', mg.caFile, '--revision', 'checkrev']) });
}

/** meshgate serving an expired certificate signed by its CA (startMeshgate would refuse to wait on it). */
async function startExpired(certDir: string): Promise<Daemon> {
  const ca = { cert: readFileSync(join(certDir, 'ca.crt'), 'utf8'), key: readFileSync(join(certDir, 'ca.key'), 'utf8') };
  const expired = await issueServing(ca, { sans: ['127.0.0.1', 'localhost'], validityMs: 86_400_000, now: new Date(Date.now() - 30 * 86_400_000) });
  writeFileSync(join(dir, 'expired.crt'), expired.cert);
  writeFileSync(join(dir, 'expired.key'), expired.key, { mode: 0o600 });
  const logFile = join(dir, 'expired.log');
  const d = startDaemon({
    name: 'meshgate-expired',
    cmd: process.execPath,
    logFile,
    cwd: REPO_ROOT,
    args: [
      join(REPO_ROOT, 'bin', 'meshgate.js'),
      'serve',
      '--listen',
      `127.0.0.1:${port}`,
      '--tls-cert',
      join(dir, 'expired.crt'),
      '--tls-key',
      join(dir, 'expired.key'),
      '--revision',
      'checkrev',
      '--native-sidecars=true',
    ],
  });
  await waitFor(async () => readFileSync(logFile, 'utf8').includes('meshgate serving'), { what: 'meshgate with an expired certificate', timeoutMs: 30_000, intervalMs: 200 });
  return d;
}

function errorAbout(r: Awaited<ReturnType<typeof meshgateCheck>>, subject: string): string {
  return r.report.findings
    .filter((f) => f.status === 'error' && f.subject.startsWith(subject))
    .map((f) => f.message)
    .join('\n');
}

describe('meshgate check on the e2e cluster', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meshgate-e2e-check-'));
    port = await freePort();
    mg = await startMeshgate({ dir, name: 'meshgate-checkrev', revision: 'checkrev', port, valuesFile: e2e().valuesFile });
    await installOwn();
  }, 120_000);

  afterAll(async () => {
    await kubectl().run(['delete', 'mutatingwebhookconfiguration', CONFIG, 'istio-sidecar-injector', '--ignore-not-found']);
    await mg?.stop();
    if (dir && !keepLogs()) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('passes when healthy, with exit code 0, and says how a namespace is injected', async () => {
    const ns = await createNamespace('e2e-check', { 'istio.io/rev': 'checkrev' });
    const r = await meshgateCheck(['--namespace', ns]);
    expect(r.code, findingLines(r).join('\n')).toBe(0);
    expect(r.report.summary.passed).toBe(true);
    expect(r.report.namespaces[0]?.message).toBe(`a Pod without injection labels is injected by ${ENTRY} (meshgate, revision checkrev)`);
    const text = await meshgateCheck([]);
    expect(text.report.findings.some((f) => f.subject.startsWith(`${ENTRY} caBundle`) && f.status === 'ok')).toBe(true);
  });

  it('names a caBundle that does not verify the served certificate', async () => {
    const bogus = Buffer.from(readFileSync(e2e().caFile, 'utf8')).toString('base64');
    await kubectl().ok([
      'patch',
      'mutatingwebhookconfiguration',
      CONFIG,
      '--type',
      'json',
      '-p',
      JSON.stringify([{ op: 'replace', path: '/webhooks/0/clientConfig/caBundle', value: bogus }]),
    ]);
    const r = await meshgateCheck();
    expect(r.code).toBe(1);
    expect(errorAbout(r, `${ENTRY} caBundle`)).toContain(`does not verify the certificate served at https://127.0.0.1:${port}`);
    await installOwn();
    expect((await meshgateCheck()).code).toBe(0);
  });

  it('names meshgate down', async () => {
    await mg?.stop();
    const r = await meshgateCheck();
    expect(r.code).toBe(1);
    expect(errorAbout(r, ENTRY)).toMatch(/no answer: connecting to 127\.0\.0\.1:\d+: ECONNREFUSED.*meshgate is down or cannot be reached there/);
  });

  it('names an expired certificate', async () => {
    const d = await startExpired(join(dir, 'certs'));
    try {
      const r = await meshgateCheck();
      expect(r.code).toBe(1);
      expect(errorAbout(r, `https://127.0.0.1:${port}`)).toMatch(/the serving certificate expired on \d{4}-/);
    } finally {
      await d.stop();
    }
    mg = await startMeshgate({ dir, name: 'meshgate-checkrev', revision: 'checkrev', port, valuesFile: e2e().valuesFile });
    expect((await meshgateCheck()).code).toBe(0);
  });

  it('names a second injector selecting the same Pods', async () => {
    const dead = `https://127.0.0.1:${await freePort()}`;
    await kubectl().ok(['apply', '-f', '-'], { input: istiodWebhooks({ url: dead, caFile: e2e().caFile }) });
    try {
      const r = await meshgateCheck();
      expect(r.code).toBe(1);
      expect(errorAbout(r, 'meshgate-sidecar-injector/namespace.sidecar-injector.meshgate.io')).toContain(
        "and istio-sidecar-injector/namespace.sidecar-injector.istio.io, istiod's injector (revision default) both select Pods in namespace(s)",
      );
      expect(errorAbout(r, 'meshgate-sidecar-injector/object.sidecar-injector.meshgate.io')).toContain('istio-sidecar-injector/object.sidecar-injector.istio.io');
    } finally {
      await kubectl().ok(['delete', 'mutatingwebhookconfiguration', 'istio-sidecar-injector']);
    }
    expect((await meshgateCheck()).code).toBe(0);
  });
});
