// What globalSetup hands to the test files (plain data: it crosses into the test workers).
import type { MeshgateInfo } from './cluster/meshgate.js';

/** meshgate's own namespace: excluded from its webhooks so it can always recover. */
export const E2E_NAMESPACE_MESHGATE = 'meshgate-system';

/** Labelled istio-injection=enabled; used to check that the API server reaches meshgate. */
export const PROBE_NAMESPACE = 'e2e-webhook-probe';

export interface E2EContext {
  /** Path of the built kubectl. */
  readonly kubectl: string;
  /** Admin kubeconfig of the run's cluster. */
  readonly kubeconfig: string;
  readonly server: string;
  readonly caFile: string;
  /** The run's temporary directory (component logs). */
  readonly dir: string;
  /** meshgate for the default revision (injection and validation). */
  readonly meshgate: MeshgateInfo;
  /** meshgate started with `--revision canary` (its injector entries only). */
  readonly canary: MeshgateInfo;
  /** Rendered webhook configurations as applied (YAML files). */
  readonly manifests: { readonly default: string; readonly canary: string };
  /** The values file both meshgate processes run with. */
  readonly valuesFile: string;
  /** Istio's injector and validator as a command (test/differential/istio), built once into a cache. */
  readonly istioHarness?: string;
  /** Set when meshgate was installed with `helm install` (vitest.e2e-helm.config.ts). */
  readonly helm?: {
    readonly binary: string;
    /** helm's config/cache/data directory for this run. */
    readonly home: string;
    readonly releases: readonly HelmReleaseInfo[];
  };
}

export interface HelmReleaseInfo {
  readonly release: string;
  readonly namespace: string;
  /** The values file it was installed with. */
  readonly valuesFile: string;
  readonly deployment: string;
  /** The local process standing in for the Deployment's Pod. */
  readonly logFile: string;
  readonly url: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    e2e: E2EContext;
  }
}
