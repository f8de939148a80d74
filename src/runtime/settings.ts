// The engines' settings that come from meshgate's own configuration rather than Istio's
// documents, shared by `serve` with files and cluster mode: the injector's (revision and its
// tags, native sidecars, istiod's environment settings), so a revision tag is served with its
// revision's configuration wherever that is read from; and the validator's CRDs (--crds or the
// bundled ones, compiled in the background at start; in cluster mode the cluster's, followed).
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { RuntimeSettings } from '../config-source/build.js';
import { compileInBackground, compiledValidators, crdsFromPaths, validatorsFor } from '../crds.js';
import type { Validators } from '../validate/index.js';

/**
 * Native sidecars when nothing more is known about the Pod: `auto` means on (Kubernetes 1.33
 * and newer run them; cluster mode then decides per Pod from the Nodes' kubelet versions).
 */
export function nativeDefault(config: Pick<Config, 'nativeSidecars'>): boolean {
  return config.nativeSidecars !== 'false';
}

/** Whether istiod's ENABLE_NATIVE_SIDECARS (--control-plane-env) says true or false itself. */
function envFixesNative(config: Pick<Config, 'controlPlaneEnv'>): boolean {
  const v = config.controlPlaneEnv['ENABLE_NATIVE_SIDECARS'];
  return v !== undefined && v !== '' && v !== 'auto';
}

/** Whether cluster mode decides native sidecars per Pod from the Nodes' kubelet versions. */
export function nativePerPod(config: Pick<Config, 'nativeSidecars' | 'controlPlaneEnv' | 'cluster'>): boolean {
  return config.cluster && config.nativeSidecars === 'auto' && !envFixesNative(config);
}

/** How native sidecars are decided, for the start-up log line. */
export function nativeNote(config: Config): string {
  if (envFixesNative(config)) return `${config.controlPlaneEnv['ENABLE_NATIVE_SIDECARS'] === 'true' ? 'on' : 'off'} (ENABLE_NATIVE_SIDECARS in --control-plane-env)`;
  if (config.nativeSidecars !== 'auto') return config.nativeSidecars === 'true' ? 'on' : 'off';
  return config.cluster ? "auto: per Pod, from the kubelet versions of the cluster's Nodes (1.33 or newer: on)" : 'auto: on (no cluster Nodes to look at outside cluster mode)';
}

export function runtimeOf(config: Config): RuntimeSettings {
  return { nativeSidecars: nativeDefault(config), revision: config.revision, revisionTags: config.revisionTags, controlPlaneEnv: config.controlPlaneEnv };
}

/** The validator over --crds, or the bundled CRDs. */
export async function buildValidators(config: Config): Promise<Validators> {
  return validatorsFor(config, config.crds.length > 0 ? await crdsFromPaths(config.crds, process.cwd()) : undefined);
}

/** Compiles the validator at start in the background (a kind not compiled yet compiles on its first request, once). */
export function warmUp(validators: Validators, log: Logger, source: string): void {
  const started = Date.now();
  compileInBackground(validators).then(
    () => log.info({ kinds: validators.kinds().length, ms: Date.now() - started, source }, 'validation CRDs compiled'),
    (e: unknown) => log.error({ err: e instanceof Error ? e.message : String(e), source }, 'a CRD does not compile; objects of its kind get an internal error until it is fixed'),
  );
}

/** The validator behind the reference that reloads swap (server/engines.ts's ValidatorsRef). */
export interface SwappableValidators {
  get(): Validators;
  set(next: Validators): void;
}

/** How cluster mode follows the cluster's CRDs: nothing when --crds names others. */
export interface ClusterCrds {
  readonly applyCrds?: (crds: unknown[]) => Promise<void>;
  readonly crdGroups?: ReadonlySet<string>;
}

/**
 * In cluster mode validation follows the cluster's CRDs (of the groups the bundled CRDs define,
 * which are those the validating webhook receives), unless --crds names others. A new set is
 * compiled completely before it replaces the current one; one that does not compile is refused.
 */
export function clusterCrds(config: Config, validators: SwappableValidators, log: Logger): ClusterCrds {
  if (config.crds.length > 0) return {};
  const applyCrds = async (crds: unknown[]): Promise<void> => {
    const started = Date.now();
    const next = await compiledValidators(config, crds);
    validators.set(next);
    log.info({ kinds: next.kinds().length, ms: Date.now() - started, source: 'cluster' }, 'validation CRDs compiled');
  };
  return {
    applyCrds,
    crdGroups: new Set(
      validators
        .get()
        .kinds()
        .map((k) => k.group),
    ),
  };
}
