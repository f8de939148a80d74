// vitest globalSetup for `npm run test:e2e`: builds (first run) and starts the cluster once,
// installs the CRDs, starts meshgate (default revision and `canary`), installs the webhook
// configurations that `meshgate manifests` renders, and hands the test files what they need.
// The returned teardown stops every process and removes the run's directory, whatever the
// tests did.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startCluster, stderrProgress, waitForServiceAccount, type Cluster, type Progress } from './cluster/index.js';
import { applyWebhooks, renderWebhooks, selectDocuments, startMeshgate, waitForInjectorCalls, webhookEntries, type Meshgate, type MeshgateInfo } from './cluster/meshgate.js';
import { E2E_DIR } from './cluster/versions.js';
import { ensureHarness } from '../differential/harness.js';
import { E2E_NAMESPACE_MESHGATE, PROBE_NAMESPACE, type E2EContext } from './context.js';

const VALUES_FILE = join(E2E_DIR, 'data', 'values.yaml');

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const progress = stderrProgress();
  const keepDir = process.env['MESHGATE_E2E_KEEP'] === '1';
  // Istio's own injector, beside meshgate in the migration scenario (built once, minutes).
  const istioHarness = await ensureHarness(progress);
  const cluster = await startCluster({ progress, keepDir });
  const meshgates: Meshgate[] = [];
  const teardown = async (): Promise<void> => {
    for (const mg of meshgates) await mg.stop();
    await cluster.stop();
  };
  try {
    project.provide('e2e', { ...(await startMesh(cluster, meshgates, progress)), istioHarness });
  } catch (e) {
    progress(`setup failed; logs are in ${cluster.dir}${keepDir ? '' : ' (removed: set MESHGATE_E2E_KEEP=1 to keep them)'}`);
    await teardown();
    throw e;
  }
  return async () => {
    await teardown();
    if (keepDir) progress(`kept ${cluster.dir}`);
  };
}

async function startMesh(cluster: Cluster, meshgates: Meshgate[], progress: Progress): Promise<Omit<E2EContext, 'istioHarness'>> {
  const { kubectl } = cluster;
  await kubectl.ok(['create', 'namespace', E2E_NAMESPACE_MESHGATE]);
  const nativeSidecars = process.env['MESHGATE_E2E_NATIVE_SIDECARS'] !== 'false';
  const common = { valuesFile: VALUES_FILE, nativeSidecars, progress };
  const main = await startMeshgate({ ...common, dir: join(cluster.dir, 'meshgate') });
  meshgates.push(main);
  const canary = await startMeshgate({ ...common, dir: join(cluster.dir, 'meshgate-canary'), revision: 'canary' });
  meshgates.push(canary);

  progress('rendering the webhook configurations with `meshgate manifests`');
  const manifestsDir = join(cluster.dir, 'manifests');
  mkdirSync(manifestsDir, { recursive: true });
  const mainYaml = await renderWebhooks(main);
  const mainFile = join(manifestsDir, 'default.yaml');
  writeFileSync(mainFile, mainYaml);
  // The canary revision adds its own injector entries; validation stays with the default.
  const canaryYaml = selectDocuments(await renderWebhooks(canary), ['MutatingWebhookConfiguration']);
  const canaryFile = join(manifestsDir, 'canary.yaml');
  writeFileSync(canaryFile, canaryYaml);
  checkNoCollision(mainYaml, canaryYaml);

  progress('installing the webhook configurations');
  await applyWebhooks(kubectl, main, mainYaml);
  await applyWebhooks(kubectl, canary, canaryYaml);
  await waitForWebhookCalls(cluster, main, progress);
  return {
    kubectl: cluster.binaries.kubectl,
    kubeconfig: cluster.kubeconfig,
    server: cluster.server,
    caFile: cluster.caFile,
    dir: cluster.dir,
    meshgate: info(main),
    canary: info(canary),
    manifests: { default: mainFile, canary: canaryFile },
    valuesFile: VALUES_FILE,
  };
}

function info(mg: MeshgateInfo): MeshgateInfo {
  const { url, caFile, logFile, revision, nativeSidecars } = mg;
  return { url, caFile, logFile, revision, nativeSidecars };
}

// The canary's configuration must not replace the default one (same object name).
function checkNoCollision(mainYaml: string, canaryYaml: string): void {
  const names = new Set(webhookEntries(mainYaml).map((e) => `${e.kind}/${e.configuration}`));
  const clash = webhookEntries(canaryYaml).find((e) => names.has(`${e.kind}/${e.configuration}`));
  if (clash) {
    throw new Error(`meshgate manifests --revision canary renders ${clash.kind} "${clash.configuration}", the same name as the default revision's`);
  }
}

// Wait until a dry-run Pod in an injected namespace reaches meshgate. If none does, say so and
// let the scenarios report their own failures rather than failing the whole run here.
async function waitForWebhookCalls(cluster: Cluster, mg: MeshgateInfo, progress: Progress): Promise<void> {
  progress('waiting until the API server calls meshgate');
  await cluster.kubectl.ok(['create', 'namespace', PROBE_NAMESPACE]);
  await cluster.kubectl.ok(['label', 'namespace', PROBE_NAMESPACE, 'istio-injection=enabled']);
  await waitForServiceAccount(cluster.kubectl, PROBE_NAMESPACE);
  try {
    await waitForInjectorCalls(cluster.kubectl, mg, PROBE_NAMESPACE);
  } catch (e) {
    progress(`WARNING: ${(e as Error).message}; meshgate log: ${mg.logFile}`);
  }
}
