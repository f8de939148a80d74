// POST /inject and /inject/* — the mutating webhook, as a plain function from the request to a
// verdict: the injection pipeline runs on the raw Pod and answers with a JSON patch, a skip
// (the reason as a warning) or a denial. A skip the Pod's namespace or labels asked against,
// and every denial, carries an Event for the workload a person applied. When the injector needs
// the Pod's Namespace (OpenShift), it is looked up first, so that verdict comes asynchronously.
import type { NamespaceLookup, NamespaceMeta } from '../../cluster/watch/namespaces.js';
import { denied, errored, allowed, patched } from '../../admission/respond.js';
import { objectRef, type AdmissionNotice } from '../../admission/notice.js';
import type { Injector } from '../../inject/index.js';
import type { InjectOutcome } from '../../inject/types.js';
import type { Metrics } from '../metrics.js';
import type { InjectorRef } from '../engines.js';
import { pathEnv } from '../inject-path.js';
import type { AdmissionCall, AdmissionRoute, Verdict } from './admission.js';

export interface InjectRouteDeps {
  readonly injector: InjectorRef;
  readonly metrics: Metrics;
  /** The Pod's Namespace, when the injector needs it (cluster mode on OpenShift). */
  readonly namespaces?: NamespaceLookup;
  /**
   * Native sidecars for this Pod, decided from the kubelet versions of the cluster's Nodes
   * (cluster mode with --native-sidecars=auto); undefined keeps the injector's setting.
   */
  readonly nativeSidecars?: (pod: Readonly<Record<string, unknown>>) => boolean | undefined;
}

/** Skips that need no Event: the Pod opted out itself, or it is not a Pod creation at all. */
const QUIET_SKIPS: ReadonlySet<string> = new Set(['explicitly_disabled', 'not_a_pod', 'unsupported_operation']);

type Obj = Record<string, unknown>;

function podLabels(pod: Obj): Readonly<Record<string, unknown>> {
  const labels = (pod['metadata'] as { labels?: unknown } | undefined)?.labels;
  return labels !== null && typeof labels === 'object' ? (labels as Record<string, unknown>) : {};
}

function notice(call: AdmissionCall, type: 'Warning', reason: string, message: string): AdmissionNotice {
  const object = objectRef(call.request.object, { apiVersion: 'v1', kind: 'Pod', namespace: call.namespace, name: call.name });
  return { type, reason, message, object };
}

/** Log fields every injection decision carries: the revision, and what shaped this Pod's answer. */
function fields(call: AdmissionCall, revision: string, native: boolean | undefined): Record<string, string | boolean> {
  const labels = podLabels(call.request.object as Obj);
  const out: Record<string, string | boolean> = { revision: revision || 'default' };
  const podRevision = labels['istio.io/rev'];
  if (typeof podRevision === 'string' && podRevision !== (revision || 'default')) out['podRevision'] = podRevision;
  if (labels['istio.io/dataplane-mode'] === 'ambient') out['ambient'] = true;
  if (native !== undefined) out['nativeSidecars'] = native;
  return out;
}

function verdictOf(call: AdmissionCall, outcome: InjectOutcome, f: Record<string, string | boolean>): Verdict {
  switch (outcome.kind) {
    case 'inject':
      return { body: patched(call.echo, outcome.patch, outcome.warnings), decision: 'inject', fields: f };
    case 'skip': {
      const body = allowed(call.echo, [`meshgate: sidecar not injected: ${outcome.message}`]);
      const event = QUIET_SKIPS.has(outcome.reason)
        ? undefined
        : notice(call, 'Warning', 'SidecarInjectionSkipped', `The Istio sidecar was not injected (${outcome.reason}): ${outcome.message}`);
      return { body, decision: 'skip', reason: outcome.reason, message: outcome.message, fields: f, ...(event ? { notice: event } : {}) };
    }
    case 'deny':
      return {
        body: denied(call.echo, outcome.message, { code: 400, reason: 'BadRequest' }),
        decision: 'deny',
        reason: outcome.reason,
        message: outcome.message,
        fields: f,
        notice: notice(call, 'Warning', 'SidecarInjectionDenied', `meshgate refused a Pod (${outcome.reason}): ${outcome.message}`),
      };
  }
}

/** Only Pod creations are injected; anything else that reaches /inject is let through untouched. */
function notApplicable(call: AdmissionCall): string | undefined {
  const r = call.request;
  if (r.operation !== 'CREATE') return 'unsupported_operation';
  if (r.kind.kind !== 'Pod' || r.kind.group !== '' || r.object === null || typeof r.object !== 'object') return 'not_a_pod';
  return undefined;
}

function injectWith(call: AdmissionCall, deps: InjectRouteDeps, injector: Injector, namespaceMeta: NamespaceMeta | undefined): Verdict {
  const pod = call.request.object as Obj;
  const native = deps.nativeSidecars?.(pod);
  const outcome = injector.inject({
    pod,
    ...(call.request.namespace ? { namespace: call.request.namespace } : {}),
    ...(namespaceMeta ? { namespaceMeta } : {}),
    ...(call.suffix ? { pathEnv: pathEnv(call.suffix) } : {}),
    ...(native !== undefined ? { nativeSidecars: native } : {}),
  });
  return verdictOf(call, outcome, fields(call, injector.revision, native));
}

function decide(call: AdmissionCall, deps: InjectRouteDeps): Verdict | Promise<Verdict> {
  const skip = notApplicable(call);
  if (skip) return { body: allowed(call.echo), decision: 'skip', reason: skip };
  const injector = deps.injector.get();
  const namespace = call.request.namespace;
  if (injector.needsNamespace && namespace && deps.namespaces) {
    return deps.namespaces(namespace).then((meta) => injectWith(call, deps, injector, meta));
  }
  return injectWith(call, deps, injector, undefined);
}

/**
 * Istio's meaning of the injection metrics (pkg/kube/inject): requests counts every request,
 * success every AdmissionReview answered (a skip or a denial included), failure every error and
 * denial, skip every Pod the policy leaves alone.
 */
function observe(metrics: Metrics, v: Verdict, seconds: number): void {
  metrics.injectionSuccess();
  metrics.injectionResult(v.decision, v.reason ?? '');
  if (v.decision === 'skip') metrics.injectionSkip(v.reason ?? 'unknown');
  else if (v.decision === 'deny') metrics.injectionFailure(v.reason ?? 'denied');
  else if (v.decision === 'error') metrics.injectionFailure('internal');
  metrics.injectionTime(seconds);
}

export function injectRoute(deps: InjectRouteDeps): AdmissionRoute {
  return {
    name: 'inject',
    paths: ['/inject', '/inject/*'],
    arrived: () => deps.metrics.injectionRequest(),
    decide: (call) => decide(call, deps),
    internalError: (call) => ({
      body: errored(call.echo, `meshgate could not process this Pod because of an internal error (request ${call.echo.uid}); see the meshgate logs`),
      decision: 'error',
      reason: 'internal',
    }),
    observe: (_call, v, seconds) => observe(deps.metrics, v, seconds),
  };
}
