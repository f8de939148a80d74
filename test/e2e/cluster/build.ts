// Builds kube-apiserver, kube-controller-manager and kubectl of the release pinned in
// test/e2e/k8s/go.mod into <cache>/<version>/bin, once: later runs reuse the binaries.
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { heartbeat, type Progress } from './progress.js';
import { run, runOk, tail } from './proc.js';
import { goEnv, K8S_MODULE_DIR, kubernetesVersion } from './versions.js';

export const KUBE_COMMANDS = ['kube-apiserver', 'kube-controller-manager', 'kubectl'] as const;
export type KubeCommand = (typeof KUBE_COMMANDS)[number];
export type KubeBinaries = Readonly<Record<KubeCommand, string>> & { readonly version: string };

/** Returns the binaries, building them first when the cache does not have all three. */
export async function ensureKubeBinaries(cacheRoot: string, progress: Progress): Promise<KubeBinaries> {
  const version = kubernetesVersion();
  const binDir = join(cacheRoot, version, 'bin');
  const binaries = { version, ...Object.fromEntries(KUBE_COMMANDS.map((c) => [c, join(binDir, c)])) } as KubeBinaries;
  if (KUBE_COMMANDS.every((c) => existsSync(binaries[c]))) {
    progress(`using cached Kubernetes ${version} binaries in ${binDir}`);
    return binaries;
  }
  await checkGo();
  progress(`building Kubernetes ${version} (${KUBE_COMMANDS.join(', ')}) into ${binDir}: the first build takes 10-20 minutes on 2 cores`);
  const started = Date.now();
  await goBuild(
    binDir,
    KUBE_COMMANDS.map((c) => `k8s.io/kubernetes/cmd/${c}`),
    versionLdflags(version),
    progress,
  );
  progress(`built Kubernetes ${version} in ${Math.round((Date.now() - started) / 1000)}s`);
  return binaries;
}

/**
 * Builds packages of a pinned tool module (default test/e2e/k8s) into binDir atomically: a
 * partial build is never reused.
 */
export async function goBuild(binDir: string, packages: readonly string[], ldflags: string, progress: Progress, moduleDir = K8S_MODULE_DIR): Promise<void> {
  // Per process: two runs building at once (the unit tests and the e2e suite) never share one.
  const partial = `${binDir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  const stop = heartbeat(progress, `go build ${packages.map((p) => p.split('/').pop()).join(' ')}`);
  try {
    const args = ['build', '-trimpath', `-ldflags=${ldflags}`, '-o', `${partial}/`, ...packages];
    const res = await run('go', args, { cwd: moduleDir, env: goEnv(), timeoutMs: 90 * 60_000 });
    if (res.code !== 0) throw new Error(`go build failed (exit ${res.code}) in ${moduleDir}:\n${tail(res.stderr, 60)}`);
  } catch (e) {
    rmSync(partial, { recursive: true, force: true });
    throw e;
  } finally {
    stop();
  }
  rmSync(binDir, { recursive: true, force: true });
  renameSync(partial, binDir);
}

// The version variables that Kubernetes' own build (hack/lib/version.sh) stamps, so that
// `kubectl version` and the API server's /version report the release instead of v0.0.0.
function versionLdflags(version: string): string {
  const [major, minor] = version.replace(/^v/, '').split('.');
  const vars = { gitVersion: version, gitMajor: major, gitMinor: minor, gitTreeState: 'clean' };
  const pkgs = ['k8s.io/client-go/pkg/version', 'k8s.io/component-base/version'];
  const flags = pkgs.flatMap((p) => Object.entries(vars).map(([k, v]) => `-X ${p}.${k}=${v ?? ''}`));
  return ['-s', '-w', ...flags].join(' ');
}

export async function checkGo(purpose = 'the e2e suite builds Kubernetes from source'): Promise<void> {
  try {
    await runOk('go', ['version'], { env: goEnv() });
  } catch (e) {
    throw new Error(`${purpose} and needs Go on PATH (go 1.26+): ${(e as Error).message}`);
  }
}
