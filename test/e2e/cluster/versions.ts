// Pinned versions and well-known paths of the end-to-end harness. The Kubernetes release is
// read from test/e2e/k8s/go.mod, so bumping it is a go.mod change (`go get` + `go mod tidy`).
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const E2E_DIR = fileURLToPath(new URL('..', import.meta.url));
export const REPO_ROOT = join(E2E_DIR, '..', '..');
export const K8S_MODULE_DIR = join(E2E_DIR, 'k8s');

/**
 * Istio's and the Gateway API's CRDs come from the repository's crds/ (scripts/fetch-crds.mjs;
 * see crds.ts), so the API server under test and meshgate validate against the same ones. The
 * CRDs of other projects the chart can use are fetched at test time with `go mod download -json`
 * (never committed).
 */
export const CRD_MODULES = {
  /** For the chart's certManager mode (Issuer, Certificate): cert-manager's own CRD files. */
  certManager: {
    module: 'github.com/cert-manager/cert-manager',
    version: 'v1.21.2',
    files: [
      'deploy/crds/cert-manager.io_issuers.yaml',
      'deploy/crds/cert-manager.io_clusterissuers.yaml',
      'deploy/crds/cert-manager.io_certificates.yaml',
      'deploy/crds/cert-manager.io_certificaterequests.yaml',
    ],
  },
  /** For the chart's ServiceMonitor and PodMonitor: the Prometheus Operator's CRD files. */
  prometheusOperator: {
    module: 'github.com/prometheus-operator/prometheus-operator',
    version: 'v0.85.0',
    files: ['example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml', 'example/prometheus-operator-crd/monitoring.coreos.com_podmonitors.yaml'],
  },
} as const;

export function kubernetesVersion(goMod = join(K8S_MODULE_DIR, 'go.mod')): string {
  return goVersionOf('k8s.io/kubernetes', goMod);
}

/** The version a pinned tool module's go.mod requires of `module` (e.g. v1.36.3). */
export function goVersionOf(module: string, goMod: string): string {
  const quoted = module.replace(/[./]/g, (c) => `\\${c}`);
  const m = new RegExp(`^\\s*(?:require\\s+)?${quoted}\\s+(v\\d+\\.\\d+\\.\\d+)\\b`, 'm').exec(readFileSync(goMod, 'utf8'));
  if (!m?.[1]) throw new Error(`${goMod}: no "require ${module} vX.Y.Z" line`);
  return m[1];
}

/** ~/.cache/meshgate-e2e unless MESHGATE_E2E_CACHE says otherwise; binaries live below it. */
export function defaultCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env['MESHGATE_E2E_CACHE'] ?? join(env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'meshgate-e2e');
}

/**
 * The environment for `go` commands: no toolchain downloads, no workspace, no cgo; Go's
 * usual install directory is appended to PATH for shells that lack it.
 */
export function goEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const path = [env['PATH'], '/usr/local/go/bin'].filter(Boolean).join(':');
  return { ...env, PATH: path, GOTOOLCHAIN: 'local', GOWORK: 'off', CGO_ENABLED: '0', GOFLAGS: '-mod=readonly -buildvcs=false' };
}
