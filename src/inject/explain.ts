// `explain`: the whole decision for one Pod as data: which webhook entries of this revision
// would call the injector (given the namespace's labels), how the injector's policy decides,
// and what the injection would do or why it would be denied.
import type { DecisionStep } from './decide.js';
import { InjectionDenied } from './errors.js';
import { objectAt, sprint, stringMap } from './json.js';
import { denyOnError, injectAccepted, prepare, selectTemplates } from './pipeline.js';
import type { InjectorSettings } from './settings.js';
import type { DenyReason, InjectInput, SkipReason } from './types.js';
import { matchEntries, notSelected, webhookEntries, type EntryMatch } from './webhooks.js';

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
}

function names(list: unknown): string[] {
  return Array.isArray(list) ? list.map((c) => sprint(objectAt(c)['name'])) : [];
}

function selectorGate(settings: InjectorSettings, input: ExplainInput, namespace: string): Pick<Explanation, 'webhooks'> & { skip?: { reason: SkipReason; message: string } } {
  if (!input.namespaceLabels) return {};
  const nsLabels = { 'kubernetes.io/metadata.name': namespace, ...input.namespaceLabels };
  const podLabels = stringMap(objectAt(input.pod, 'metadata')['labels']);
  const webhooks = matchEntries(webhookEntries(settings.config.revision, settings.config.enableNamespacesByDefault), nsLabels, podLabels);
  if (webhooks.some((w) => w.matched)) return { webhooks };
  return { webhooks, skip: notSelected(settings.config.revision, nsLabels, podLabels) };
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
  const common = { revision, namespace: p.namespace, steps: p.decision.steps, warnings: [...p.decision.warnings] };
  const gate = selectorGate(settings, input, p.namespace);
  const webhooks = gate.webhooks ? { webhooks: gate.webhooks } : {};
  if (gate.skip) return { ...common, ...webhooks, verdict: 'skip', reason: gate.skip.reason, summary: gate.skip.message, steps: [], templates: [] };
  if (!p.decision.inject) return { ...common, ...webhooks, verdict: 'skip', reason: p.decision.reason ?? 'policy_disabled', summary: p.decision.message, templates: [] };
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
    changes: { containers: names(spec['containers']), initContainers: names(spec['initContainers']), patchOperations: outcome.patch.length },
  };
}

