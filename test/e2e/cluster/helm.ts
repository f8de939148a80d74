// The real `helm` CLI, built once from the Helm release pinned in test/e2e/helm/go.mod into
// <cache>/helm-<version>/bin (as build.ts builds Kubernetes), for the chart tests (`helm lint`,
// `helm template`) and the end-to-end install (`helm install`, `helm uninstall`).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { checkGo, goBuild } from './build.js';
import type { Progress } from './progress.js';
import { run, type RunOptions, type RunResult } from './proc.js';
import { defaultCacheRoot, E2E_DIR, goVersionOf } from './versions.js';

export const HELM_MODULE_DIR = join(E2E_DIR, 'helm');
const HELM_MODULE = 'helm.sh/helm/v4';

export function helmVersion(): string {
  return goVersionOf(HELM_MODULE, join(HELM_MODULE_DIR, 'go.mod'));
}

/** Where the pinned helm lives in the cache (whether or not it is built yet). */
export function helmPath(cacheRoot = defaultCacheRoot()): string {
  return join(cacheRoot, `helm-${helmVersion()}`, 'bin', 'helm');
}

/** Returns the helm binary, building it first (1-5 minutes on 2 cores) when the cache lacks it. */
export async function ensureHelm(progress: Progress, cacheRoot = defaultCacheRoot()): Promise<string> {
  const binary = helmPath(cacheRoot);
  if (existsSync(binary)) return binary;
  const version = helmVersion();
  await checkGo('the chart tests build helm from its Go module');
  const binDir = join(binary, '..');
  progress(`building helm ${version} from ${HELM_MODULE} into ${binDir} (once; a few minutes on 2 cores)`);
  const started = Date.now();
  const ldflags = ['-s', '-w', `-X ${HELM_MODULE}/internal/version.version=${version}`, `-X ${HELM_MODULE}/internal/version.gitTreeState=clean`].join(' ');
  await goBuild(binDir, [`${HELM_MODULE}/cmd/helm`], ldflags, progress, HELM_MODULE_DIR);
  progress(`built helm ${version} in ${Math.round((Date.now() - started) / 1000)}s`);
  return binary;
}

/**
 * Runs helm with its state kept out of the user's home: config, cache and data directories
 * under `home` (a test's temporary directory), and no plugins or repositories.
 */
export function helmRunner(binary: string, home: string, kubeconfig?: string): (args: readonly string[], opts?: RunOptions) => Promise<RunResult> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_DATA_HOME: join(home, 'data'),
    ...(kubeconfig ? { KUBECONFIG: kubeconfig } : {}),
  };
  return (args, opts = {}) => run(binary, args, { timeoutMs: 180_000, ...opts, env: { ...env, ...opts.env } });
}
