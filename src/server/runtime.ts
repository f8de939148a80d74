// The injector's settings that come from meshgate's own configuration rather than Istio's
// documents (revision and its tags, native sidecars, istiod's environment settings), shared by
// `serve` with files and cluster mode, so a revision tag is served with its revision's
// configuration wherever that is read from.
import type { Config } from '../config.js';
import type { RuntimeSettings } from '../config-source/build.js';

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
  return config.cluster ? 'auto: per Pod, from the kubelet versions of the cluster\'s Nodes (1.33 or newer: on)' : 'auto: on (no cluster Nodes to look at outside cluster mode)';
}

export function runtimeOf(config: Config): RuntimeSettings {
  return { nativeSidecars: nativeDefault(config), revision: config.revision, revisionTags: config.revisionTags, controlPlaneEnv: config.controlPlaneEnv };
}
