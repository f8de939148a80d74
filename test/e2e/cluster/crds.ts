// Installs Istio's and the Gateway API's CRDs, fetched at test time from their Go modules
// (`go mod download -json`, so the module cache and checksum database vouch for them).
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kubectl } from './kubectl.js';
import type { Progress } from './progress.js';
import { runOk } from './proc.js';
import { CRD_MODULES, goEnv } from './versions.js';

/** Downloads module@version into the Go module cache and returns its directory. */
export async function goModDownload(module: string, version: string): Promise<string> {
  // Outside any module, so no go.mod is consulted or changed.
  const res = await runOk('go', ['mod', 'download', '-json', `${module}@${version}`], {
    cwd: tmpdir(),
    env: { ...goEnv(), GOFLAGS: '-mod=mod' },
    timeoutMs: 10 * 60_000,
  });
  const info = JSON.parse(res.stdout) as { Dir?: string; Error?: string };
  if (info.Error || !info.Dir) throw new Error(`go mod download ${module}@${version}: ${info.Error ?? 'no Dir'}`);
  return info.Dir;
}

/**
 * Gateway API ships two channels that define the same CRD names; `experimental` is the
 * superset (TCPRoute, TLSRoute, UDPRoute, … and extra fields), and the bundle's own
 * ValidatingAdmissionPolicy refuses experimental CRDs over standard ones, so one is chosen.
 */
export type GatewayApiChannel = 'standard' | 'experimental';

export async function crdFiles(channel: GatewayApiChannel): Promise<string[]> {
  const istio = await goModDownload(CRD_MODULES.istio.module, CRD_MODULES.istio.version);
  const gw = await goModDownload(CRD_MODULES.gatewayApi.module, CRD_MODULES.gatewayApi.version);
  const gwDir = join(gw, 'config', 'crd', channel);
  const gwFiles = readdirSync(gwDir)
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .map((f) => join(gwDir, f));
  return [...CRD_MODULES.istio.files.map((f) => join(istio, f)), ...gwFiles];
}

export async function installCrds(kubectl: Kubectl, progress: Progress, channel: GatewayApiChannel = 'experimental'): Promise<void> {
  progress(`fetching CRDs: ${CRD_MODULES.istio.module}@${CRD_MODULES.istio.version}, ${CRD_MODULES.gatewayApi.module}@${CRD_MODULES.gatewayApi.version} (${channel})`);
  const files = await crdFiles(channel);
  progress(`installing ${files.length} CRD files`);
  // Server-side apply: Istio's bundle is too large for the last-applied annotation.
  await kubectl.ok(['apply', '--server-side', '--force-conflicts', ...files.flatMap((f) => ['-f', f])], { timeoutMs: 180_000 });
  progress('waiting for the CRDs to be established');
  await kubectl.ok(['wait', '--for=condition=Established', '--timeout=120s', 'crd', '--all'], { timeoutMs: 150_000 });
}

/** Installs the CRD files of one pinned module (cert-manager's, the Prometheus Operator's). */
export async function installModuleCrds(kubectl: Kubectl, progress: Progress, source: { readonly module: string; readonly version: string; readonly files: readonly string[] }): Promise<string[]> {
  progress(`fetching CRDs: ${source.module}@${source.version}`);
  const dir = await goModDownload(source.module, source.version);
  const files = source.files.map((f) => join(dir, f));
  await kubectl.ok(['apply', '--server-side', '--force-conflicts', ...files.flatMap((f) => ['-f', f])], { timeoutMs: 180_000 });
  const names = (await kubectl.ok(['get', ...files.flatMap((f) => ['-f', f]), '-o', 'name'])).split('\n').filter((n) => n !== '');
  await kubectl.ok(['wait', '--for=condition=Established', '--timeout=120s', ...names], { timeoutMs: 150_000 });
  return names;
}
