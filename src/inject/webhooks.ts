// Istio's first gate, emulated for `explain`: the MutatingWebhookConfiguration entries the API
// server evaluates before calling the webhook, for one revision (Istio's chart, §1.1):
//
//   entry                 namespace labels                               Pod labels
//   rev.namespace.        istio.io/rev=<rev>, no istio-injection         inject != false
//   rev.object.           no istio.io/rev, no istio-injection            inject != false, istio.io/rev=<rev>
//   namespace.  (default) istio-injection=enabled                        inject != false
//   object.     (default) no istio-injection, no istio.io/rev            inject=true, no istio.io/rev
//   auto.       (default, enableNamespacesByDefault) neither label, not a system namespace
//                                                                        no inject label, no istio.io/rev
import { describeRequirement, firstMismatch, type LabelSelector, type Requirement } from './selectors.js';
import type { SkipReason } from './types.js';

export interface WebhookEntry {
  readonly name: string;
  readonly namespaceSelector: LabelSelector;
  readonly objectSelector: LabelSelector;
}

export interface EntryMatch {
  readonly name: string;
  readonly matched: boolean;
  readonly detail: string;
}

const req = (key: string, operator: Requirement['operator'], values: string[] = []): Requirement => ({ key, operator, values });
const sel = (...requirements: Requirement[]): LabelSelector => ({ requirements });
// The names meshgate's MutatingWebhookConfiguration (manifests/) gives these entries.
const SUFFIX = 'sidecar-injector.meshgate.io';
const SYSTEM = ['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage'];

/** The webhook entries Istio's chart generates for a revision ("" is the default revision). */
export function webhookEntries(revision: string, enableNamespacesByDefault: boolean): WebhookEntry[] {
  const rev = revision || 'default';
  const notFalse = req('sidecar.istio.io/inject', 'NotIn', ['false']);
  const entries: WebhookEntry[] = [
    { name: `rev.namespace.${SUFFIX}`, namespaceSelector: sel(req('istio.io/rev', 'In', [rev]), req('istio-injection', 'DoesNotExist')), objectSelector: sel(notFalse) },
    { name: `rev.object.${SUFFIX}`, namespaceSelector: sel(req('istio.io/rev', 'DoesNotExist'), req('istio-injection', 'DoesNotExist')), objectSelector: sel(notFalse, req('istio.io/rev', 'In', [rev])) },
  ];
  if (revision !== '') return entries;
  entries.push(
    { name: `namespace.${SUFFIX}`, namespaceSelector: sel(req('istio-injection', 'In', ['enabled'])), objectSelector: sel(notFalse) },
    { name: `object.${SUFFIX}`, namespaceSelector: sel(req('istio-injection', 'DoesNotExist'), req('istio.io/rev', 'DoesNotExist')), objectSelector: sel(req('sidecar.istio.io/inject', 'In', ['true']), req('istio.io/rev', 'DoesNotExist')) },
  );
  if (enableNamespacesByDefault) {
    entries.push({
      name: `auto.${SUFFIX}`,
      namespaceSelector: sel(req('istio-injection', 'DoesNotExist'), req('istio.io/rev', 'DoesNotExist'), req('kubernetes.io/metadata.name', 'NotIn', SYSTEM)),
      objectSelector: sel(req('sidecar.istio.io/inject', 'DoesNotExist'), req('istio.io/rev', 'DoesNotExist')),
    });
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
        : `namespace (${e.namespaceSelector.requirements.map(describeRequirement).join(', ')}) and Pod (${e.objectSelector.requirements.map(describeRequirement).join(', ')}) match`;
    return { name: e.name, matched: !ns && !pod, detail };
  });
}

/** Why no entry called the webhook, as a skip reason and a sentence. */
export function notSelected(revision: string, namespaceLabels: Readonly<Record<string, string>>, podLabels: Readonly<Record<string, string>>): { reason: SkipReason; message: string } {
  const rev = revision || 'default';
  if (namespaceLabels['istio-injection'] === 'disabled') {
    return { reason: 'namespace_disabled', message: 'the namespace is labelled istio-injection=disabled, so no injection webhook is called' };
  }
  if (podLabels['sidecar.istio.io/inject'] === 'false') {
    return { reason: 'explicitly_disabled', message: 'the Pod is labelled sidecar.istio.io/inject=false, so no injection webhook is called' };
  }
  const wanted = podLabels['istio.io/rev'] ?? namespaceLabels['istio.io/rev'];
  if (wanted !== undefined && wanted !== rev) {
    return { reason: 'revision_mismatch', message: `the ${podLabels['istio.io/rev'] !== undefined ? 'Pod' : 'namespace'} selects revision "${wanted}", and this injector serves revision "${rev}"` };
  }
  return {
    reason: 'namespace_not_enabled',
    message: `nothing selects injection: the namespace has no istio-injection=enabled or istio.io/rev=${rev} label, and the Pod has no sidecar.istio.io/inject=true or istio.io/rev=${rev} label`,
  };
}
