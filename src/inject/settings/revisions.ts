// Which revision a Pod asks for, and whether this injector (a revision and the tags that point
// at it) serves it. One rule for `meshgate inject`, `meshgate explain` and the webhook's selectors:
//
//   namespace istio-injection=enabled  → the default revision (the legacy label wins)
//   namespace istio.io/rev=R           → R (the Pod's own istio.io/rev label is not consulted)
//   Pod istio.io/rev=R                 → R
//   none of these                      → no revision asked for
//
// R is served when it is the revision ("default" for ""), or one of its tags.
import type { InjectorConfig } from './config.js';
import type { SkipReason } from '../types.js';

export interface RevisionAsk {
  readonly revision: string;
  /** Where the ask comes from, in words. */
  readonly source: string;
}

export function askedRevision(namespaceLabels: Readonly<Record<string, string>> | undefined, podLabels: Readonly<Record<string, string>>): RevisionAsk | undefined {
  if (namespaceLabels?.['istio-injection'] === 'enabled') return { revision: 'default', source: 'the namespace label istio-injection=enabled' };
  const ns = namespaceLabels?.['istio.io/rev'];
  if (ns !== undefined) return { revision: ns, source: `the namespace label istio.io/rev=${ns}` };
  const pod = podLabels['istio.io/rev'];
  if (pod !== undefined) return { revision: pod, source: `the Pod label istio.io/rev=${pod}` };
  return undefined;
}

export interface RevisionGate {
  /** The tag the ask went through, when it named one. */
  readonly tag?: string;
  readonly skip?: { readonly reason: SkipReason; readonly message: string };
}

/** Whether the revision a Pod asks for is this injector's (directly or through a tag). */
export function revisionGate(config: Pick<InjectorConfig, 'revision' | 'revisionTags'>, ask: RevisionAsk | undefined): RevisionGate {
  const own = config.revision || 'default';
  if (ask === undefined || ask.revision === own) return {};
  if (config.revisionTags.includes(ask.revision)) return { tag: ask.revision };
  const tags = config.revisionTags.length > 0 ? ` (tags ${config.revisionTags.join(', ')})` : '';
  const hint = ask.revision === 'default' ? '' : `; to inject for it, use --revision ${ask.revision}`;
  return { skip: { reason: 'revision_mismatch', message: `${ask.source} selects revision "${ask.revision}", and this injector serves revision "${own}"${tags}${hint}` } };
}
