// Istio's first gate, emulated for `explain`, `inject` and `check`: the MutatingWebhookConfiguration
// entries the API server evaluates before calling the webhook, for one revision and its tags
// (Istio's chart, §1.1; a tag's configuration holds the rev.* entries with the tag's name, and
// the default tag adds the namespace./object. entries too, as `istioctl tag set` renders them):
//
//   entry                 namespace labels                               Pod labels
//   rev.namespace.        istio.io/rev=<rev|tag>, no istio-injection     inject != false
//   rev.object.           no istio.io/rev, no istio-injection            inject != false, istio.io/rev=<rev|tag>
//   namespace.  (default) istio-injection=enabled                        inject != false
//   object.     (default) no istio-injection, no istio.io/rev            inject=true, no istio.io/rev
//   auto.       (default, enableNamespacesByDefault) neither label, not a system namespace
//                                                                        no inject label, no istio.io/rev
import { describeRequirement, firstMismatch, type LabelSelector, type Requirement } from '../decide/selectors.js';

export interface WebhookEntry {
  readonly name: string;
  /** The MutatingWebhookConfiguration holding the entry. */
  readonly configuration: string;
  /** The revision the entry injects for, and the tag it selects by, if any. */
  readonly revision: string;
  readonly tag?: string;
  readonly namespaceSelector: LabelSelector;
  readonly objectSelector: LabelSelector;
}

export interface EntryMatch {
  readonly name: string;
  readonly configuration: string;
  readonly matched: boolean;
  readonly detail: string;
}

const req = (key: string, operator: Requirement['operator'], values: string[] = []): Requirement => ({ key, operator, values });
const sel = (...requirements: Requirement[]): LabelSelector => ({ requirements });
/** The names meshgate's MutatingWebhookConfigurations (manifests/) give their entries. */
export const ENTRY_SUFFIX = 'sidecar-injector.meshgate.io';
const SYSTEM = ['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage'];

/** meshgate's configuration for a revision: meshgate-sidecar-injector[-<rev>]. */
export function revisionWebhookName(revision: string): string {
  return revision ? `meshgate-sidecar-injector-${revision}` : 'meshgate-sidecar-injector';
}

/** The configuration of a revision tag, as `meshgate manifests --tag` names it. */
export function tagWebhookName(tag: string): string {
  return `meshgate-revision-tag-${tag}`;
}

interface Target {
  readonly configuration: string;
  readonly revision: string;
  readonly selects: string;
  readonly tag?: string;
}

function revEntries(t: Target): WebhookEntry[] {
  const notFalse = req('sidecar.istio.io/inject', 'NotIn', ['false']);
  const base = { configuration: t.configuration, revision: t.revision, ...(t.tag ? { tag: t.tag } : {}) };
  return [
    {
      ...base,
      name: `rev.namespace.${ENTRY_SUFFIX}`,
      namespaceSelector: sel(req('istio.io/rev', 'In', [t.selects]), req('istio-injection', 'DoesNotExist')),
      objectSelector: sel(notFalse),
    },
    {
      ...base,
      name: `rev.object.${ENTRY_SUFFIX}`,
      namespaceSelector: sel(req('istio.io/rev', 'DoesNotExist'), req('istio-injection', 'DoesNotExist')),
      objectSelector: sel(notFalse, req('istio.io/rev', 'In', [t.selects])),
    },
  ];
}

function defaultEntries(t: Target, enableNamespacesByDefault: boolean): WebhookEntry[] {
  const base = { configuration: t.configuration, revision: t.revision, ...(t.tag ? { tag: t.tag } : {}) };
  const entries: WebhookEntry[] = [
    {
      ...base,
      name: `namespace.${ENTRY_SUFFIX}`,
      namespaceSelector: sel(req('istio-injection', 'In', ['enabled'])),
      objectSelector: sel(req('sidecar.istio.io/inject', 'NotIn', ['false'])),
    },
    {
      ...base,
      name: `object.${ENTRY_SUFFIX}`,
      namespaceSelector: sel(req('istio-injection', 'DoesNotExist'), req('istio.io/rev', 'DoesNotExist')),
      objectSelector: sel(req('sidecar.istio.io/inject', 'In', ['true']), req('istio.io/rev', 'DoesNotExist')),
    },
  ];
  if (!enableNamespacesByDefault) return entries;
  entries.push({
    ...base,
    name: `auto.${ENTRY_SUFFIX}`,
    namespaceSelector: sel(req('istio-injection', 'DoesNotExist'), req('istio.io/rev', 'DoesNotExist'), req('kubernetes.io/metadata.name', 'NotIn', SYSTEM)),
    objectSelector: sel(req('sidecar.istio.io/inject', 'DoesNotExist'), req('istio.io/rev', 'DoesNotExist')),
  });
  return entries;
}

/** The entries of a revision ("" is the default) and of the tags that point at it. */
export function webhookEntries(revision: string, enableNamespacesByDefault: boolean, tags: readonly string[] = []): WebhookEntry[] {
  const own: Target = { configuration: revisionWebhookName(revision), revision: revision || 'default', selects: revision || 'default' };
  const entries = revEntries(own);
  if (revision === '') entries.push(...defaultEntries(own, enableNamespacesByDefault));
  for (const tag of tags) {
    const t: Target = { configuration: tagWebhookName(tag), revision: revision || 'default', selects: tag, tag };
    entries.push(...revEntries(t));
    if (tag === 'default') entries.push(...defaultEntries(t, enableNamespacesByDefault));
  }
  return entries;
}

export function matchEntries(entries: readonly WebhookEntry[], namespaceLabels: Readonly<Record<string, string>>, podLabels: Readonly<Record<string, string>>): EntryMatch[] {
  return entries.map((e) => {
    const ns = firstMismatch(e.namespaceSelector, namespaceLabels);
    const pod = ns ? undefined : firstMismatch(e.objectSelector, podLabels);
    const detail = ns
      ? `namespace needs ${describeRequirement(ns)}`
      : pod
        ? `Pod needs label ${describeRequirement(pod)}`
        : `namespace (${e.namespaceSelector.requirements.map(describeRequirement).join(', ')}) and Pod (${e.objectSelector.requirements.map(describeRequirement).join(', ')}) match${e.tag ? ` (tag ${e.tag} → revision ${e.revision})` : ''}`;
    const name = e.configuration === revisionWebhookName(e.revision === 'default' ? '' : e.revision) ? e.name : `${e.configuration}/${e.name}`;
    return { name, configuration: e.configuration, matched: !ns && !pod, detail };
  });
}
