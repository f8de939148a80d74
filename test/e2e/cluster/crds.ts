// Installs the CRDs meshgate ships (crds/, fetched by scripts/fetch-crds.mjs from istio.io/api
// and sigs.k8s.io/gateway-api), so the API server under test and meshgate validate against the
// very same schemas and rules; and, for the chart's optional integrations, the CRDs of other
// pinned modules, fetched at test time with `go mod download -json`.
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kubectl } from './kubectl.js';
import type { Progress } from './progress.js';
import { runOk } from './proc.js';
import { goEnv, REPO_ROOT } from './versions.js';

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

interface Sources {
  readonly bundles: readonly { readonly name: string; readonly module: string; readonly version: string; readonly files: readonly string[] }[];
}

export const CRD_DIR = join(REPO_ROOT, 'crds');

export function crdSources(): Sources {
  return JSON.parse(readFileSync(join(CRD_DIR, 'SOURCES.json'), 'utf8')) as Sources;
}

/** The shipped CRD files of Istio and of one Gateway API channel. */
export function crdFiles(channel: GatewayApiChannel): string[] {
  return crdSources()
    .bundles.flatMap((b) => b.files.filter((f) => b.name !== 'gateway-api' || f.startsWith(`gateway-api/${channel}/`)))
    .map((f) => join(CRD_DIR, f));
}

export async function installCrds(kubectl: Kubectl, progress: Progress, channel: GatewayApiChannel = 'experimental'): Promise<void> {
  const what = crdSources()
    .bundles.map((b) => `${b.module}@${b.version}`)
    .join(', ');
  const files = crdFiles(channel);
  progress(`installing ${files.length} CRD files: ${what} (${channel})`);
  // Server-side apply: Istio's bundle is too large for the last-applied annotation.
  await kubectl.ok(['apply', '--server-side', '--force-conflicts', ...files.flatMap((f) => ['-f', f])], { timeoutMs: 180_000 });
  progress('waiting for the CRDs to be established');
  await kubectl.ok(['wait', '--for=condition=Established', '--timeout=120s', 'crd', '--all'], { timeoutMs: 150_000 });
}

/** Installs the CRD files of one pinned module (cert-manager's, the Prometheus Operator's). */
export async function installModuleCrds(
  kubectl: Kubectl,
  progress: Progress,
  source: { readonly module: string; readonly version: string; readonly files: readonly string[] },
): Promise<string[]> {
  progress(`fetching CRDs: ${source.module}@${source.version}`);
  const dir = await goModDownload(source.module, source.version);
  const files = source.files.map((f) => join(dir, f));
  await kubectl.ok(['apply', '--server-side', '--force-conflicts', ...files.flatMap((f) => ['-f', f])], { timeoutMs: 180_000 });
  const names = (await kubectl.ok(['get', ...files.flatMap((f) => ['-f', f]), '-o', 'name'])).split('\n').filter((n) => n !== '');
  await kubectl.ok(['wait', '--for=condition=Established', '--timeout=120s', ...names], { timeoutMs: 150_000 });
  return names;
}
