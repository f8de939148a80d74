// `explain`: the whole decision for one Pod as data: which webhook entries of this revision
// would call the injector (given the namespace's labels), how the injector's policy decides,
// and what the injection would do or why it would be denied.
import type { DecisionStep } from './decide.js';
import { InjectionDenied } from '../errors.js';
import { objectAt, sprint, stringMap } from '../../lib/json.js';
import { ambientSource, DATAPLANE_MODE } from './ambient.js';
import { denyOnError, injectAccepted, nativeFor, prepare, selectTemplates } from '../pipeline.js';
import type { InjectorSettings } from '../settings/settings.js';
import type { DenyReason, InjectInput, SkipReason } from '../types.js';
import { askedRevision, revisionGate } from '../settings/revisions.js';
import { matchEntries, webhookEntries, type EntryMatch } from '../settings/webhooks.js';

export interface ExplainInput extends InjectInput {
  /** Labels of the Pod's namespace; when given, the webhook selectors are emulated too. */
  readonly namespaceLabels?: Readonly<Record<string, string>>;
}

export interface Explanation {
  readonly verdict: 'inject' | 'skip' | 'deny';
  readonly reason?: SkipReason | DenyReason;
  /** One sentence: the deciding reason. */
  readonly summary: string;
  readonly revision: string;
  readonly namespace: string;
  /** The webhook entries of this revision and whether each would call the injector. */
  readonly webhooks?: readonly EntryMatch[];
  /** The injector's own checks, in order. */
  readonly steps: readonly DecisionStep[];
  /** Templates that would be applied. */
  readonly templates: readonly string[];
  /** Containers the injection would add or change, and the number of patch operations. */
  readonly changes?: { readonly containers: readonly string[]; readonly initContainers: readonly string[]; readonly patchOperations: number };
  readonly warnings: readonly string[];
  /** The revision tag the Pod asked for, when it named one of this revision's tags. */
  readonly tag?: string;
  /** Whether istio-proxy would be a native sidecar (injected Pods only). */
  readonly nativeSidecars?: boolean;
}

function names(list: unknown): string[] {
  return Array.isArray(list) ? list.map((c) => sprint(objectAt(c)['name'])) : [];
}

/** Why no entry calls the webhook, as a skip reason and a sentence. */
function notSelected(
  settings: InjectorSettings,
  namespaceLabels: Readonly<Record<string, string>>,
  podLabels: Readonly<Record<string, string>>,
): { reason: SkipReason; message: string } {
  const rev = settings.config.revision || 'default';
  if (namespaceLabels['istio-injection'] === 'disabled') {
    return { reason: 'namespace_disabled', message: 'the namespace is labelled istio-injection=disabled, so no injection webhook is called' };
  }
  if (podLabels['sidecar.istio.io/inject'] === 'false') {
    return { reason: 'explicitly_disabled', message: 'the Pod is labelled sidecar.istio.io/inject=false, so no injection webhook is called' };
  }
  const gate = revisionGate(settings.config, askedRevision(namespaceLabels, podLabels));
  if (gate.skip) return gate.skip;
  return {
    reason: 'namespace_not_enabled',
    message: `nothing selects injection: the namespace has no istio-injection=enabled or istio.io/rev=${rev} label, and the Pod has no sidecar.istio.io/inject=true or istio.io/rev=${rev} label`,
  };
}

function selectorGate(settings: InjectorSettings, input: ExplainInput, namespace: string): Pick<Explanation, 'webhooks'> & { skip?: { reason: SkipReason; message: string } } {
  if (!input.namespaceLabels) return {};
  const nsLabels = { 'kubernetes.io/metadata.name': namespace, ...input.namespaceLabels };
  const podLabels = stringMap(objectAt(input.pod, 'metadata')['labels']);
  const entries = webhookEntries(settings.config.revision, settings.config.enableNamespacesByDefault, settings.config.revisionTags);
  const webhooks = matchEntries(entries, nsLabels, podLabels);
  if (webhooks.some((w) => w.matched)) return { webhooks };
  return { webhooks, skip: notSelected(settings, nsLabels, podLabels) };
}

function ambientSkipNote(input: ExplainInput): string[] {
  const source = ambientSource(stringMap(objectAt(input.pod, 'metadata')['labels']), input.namespaceLabels);
  return source ? [`the ${source} is labelled ${DATAPLANE_MODE}=ambient: unless another injector gives the Pod a sidecar, Istio's CNI enrols it in ambient mode (ztunnel)`] : [];
}

function tagOf(settings: InjectorSettings, input: ExplainInput): { tag?: string } {
  const ask = askedRevision(input.namespaceLabels, stringMap(objectAt(input.pod, 'metadata')['labels']));
  const tag = revisionGate(settings.config, ask).tag;
  return tag ? { tag } : {};
}

export function explain(settings: InjectorSettings, input: ExplainInput): Explanation {
  const revision = settings.config.revision || 'default';
  let p: ReturnType<typeof prepare>;
  try {
    p = prepare(settings, input);
  } catch (e) {
    if (!(e instanceof InjectionDenied)) throw e;
    return { verdict: 'deny', reason: e.reason, summary: e.message, revision, namespace: input.namespace ?? '', steps: [], templates: [], warnings: [] };
  }
  const common = { revision, ...tagOf(settings, input), namespace: p.namespace, steps: p.decision.steps, warnings: [...p.decision.warnings] };
  const gate = selectorGate(settings, input, p.namespace);
  const webhooks = gate.webhooks ? { webhooks: gate.webhooks } : {};
  const skipped = { ...common, ...webhooks, verdict: 'skip' as const, templates: [], warnings: [...common.warnings, ...ambientSkipNote(input)] };
  if (gate.skip) return { ...skipped, reason: gate.skip.reason, summary: gate.skip.message, steps: [] };
  if (!p.decision.inject) return { ...skipped, reason: p.decision.reason ?? 'policy_disabled', summary: p.decision.message };
  let templates: string[] = [];
  const outcome = denyOnError(() => {
    templates = selectTemplates(settings, p.annotations).map((t) => t.name);
    return injectAccepted(settings, p, input);
  });
  if (outcome.kind !== 'inject') return { ...common, ...webhooks, verdict: 'deny', reason: outcome.reason, summary: outcome.message, templates };
  const spec = objectAt(outcome.pod, 'spec');
  const selectedBy = (gate.webhooks ?? []).filter((w) => w.matched).map((w) => w.name);
  return {
    ...common,
    ...webhooks,
    verdict: 'inject',
    summary: selectedBy.length > 0 ? `selected by webhook ${selectedBy.join(', ')}; ${p.decision.message}` : p.decision.message,
    templates,
    warnings: outcome.warnings,
    nativeSidecars: nativeFor(p.annotations, input.nativeSidecars ?? settings.config.nativeSidecars),
    changes: { containers: names(spec['containers']), initContainers: names(spec['initContainers']), patchOperations: outcome.patch.length },
  };
}
