// The contract between the injection core and the shells (webhook route, CLI). The core is
// pure: everything it needs arrives in InjectorSettings (once) and InjectInput (per Pod).
import type { Operation } from 'fast-json-patch';

/** Why a Pod was not injected; used as the metrics label, in warnings and by `explain`. */
export type SkipReason =
  | 'host_network'
  | 'ignored_namespace'
  | 'explicitly_disabled'
  | 'never_inject_selector'
  | 'policy_disabled'
  | 'policy_invalid'
  | 'namespace_disabled'
  | 'namespace_not_enabled'
  | 'revision_mismatch'
  | 'already_injected';

/** Why a Pod was denied; used as the failure metrics label. */
export type DenyReason = 'invalid_annotation' | 'unknown_template' | 'invalid_overrides' | 'invalid_prometheus' | 'template_error' | 'invalid_pod';

export interface InjectInput {
  /** The raw Pod as the API server sent it (`request.object`); never mutated. */
  readonly pod: Readonly<Record<string, unknown>>;
  /** `request.namespace`, used when the Pod's metadata has none. */
  readonly namespace?: string;
  /** Extra proxy env from the webhook path (`/inject/cluster/c1/net/n1`). */
  readonly pathEnv?: Readonly<Record<string, string>>;
  /**
   * The workload the Pod is the template of, when the caller knows it (`meshgate inject` on a
   * Deployment); otherwise it is derived from the Pod's owner references and labels.
   */
  readonly workload?: Readonly<{ name: string; namespace: string; kind: string; apiVersion: string }>;
  /**
   * The Pod's Namespace, when the caller knows it: its labels and annotations (on OpenShift the
   * `openshift.io/sa.scc.*` ranges give the proxy's user and group).
   */
  readonly namespaceMeta?: Readonly<{ labels?: Readonly<Record<string, string>>; annotations?: Readonly<Record<string, string>> }>;
  /** Overrides the configured injection policy (Istio's kube-inject forces `enabled`). */
  readonly policy?: 'enabled' | 'disabled';
  /**
   * Native sidecars for this Pod, when the shell decided it (from the kubelet versions of the
   * cluster's Nodes); otherwise the settings' value. The Pod's own annotation still wins.
   */
  readonly nativeSidecars?: boolean;
  /** Labels of the Pod's namespace, when the caller knows them (explain, inject --namespace-labels). */
  readonly namespaceLabels?: Readonly<Record<string, string>>;
}

export type InjectOutcome =
  | { readonly kind: 'skip'; readonly reason: SkipReason; readonly message: string }
  | {
      readonly kind: 'inject';
      /** The mutated Pod. */
      readonly pod: Record<string, unknown>;
      /** RFC 6902 operations from the raw Pod (managedFields removed) to `pod`; empty when nothing changed. */
      readonly patch: Operation[];
      readonly warnings: string[];
    }
  | { readonly kind: 'deny'; readonly reason: DenyReason; readonly message: string };
