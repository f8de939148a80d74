// Warnings for Gateway API objects the API server accepts but that probably do not do what
// their author wants. They never fail validation: the Gateway API leaves these to
// implementations, which report them in status.
import { isIP } from '../common/net.js';
import { asArray, asNumber, asMapping, asString } from '../../lib/json.js';
import type { SemanticContext } from '../framework.js';
import { at } from '../issues.js';

/** Every backendRef of a rule weighs 0: the rule answers every request with an error. */
export function warnZeroWeights(ctx: SemanticContext): void {
  asArray(ctx.spec?.['rules']).forEach((r, i) => {
    const refs = asArray(asMapping(r)?.['backendRefs']).map(asMapping);
    if (refs.length > 0 && refs.every((b) => (asNumber(b?.['weight']) ?? 1) === 0)) {
      ctx.c.warn(`spec.rules[${i}].backendRefs: every weight is 0, so the rule sends no traffic`);
    }
  });
}

/** Route hostnames are matched against Host/SNI names; an IP address never matches. */
export function warnIPHostnames(ctx: SemanticContext): void {
  asArray(ctx.spec?.['hostnames']).forEach((h, i) => {
    const text = asString(h);
    if (text !== undefined && isIP(text)) ctx.c.warn(`${at('spec.hostnames', i)}: an IP address never matches; route hostnames are DNS names`);
  });
}

/** A ReferenceGrant `from` entry in its own namespace grants nothing (same-namespace references need none). */
export function warnSameNamespaceGrant(ctx: SemanticContext): void {
  asArray(ctx.spec?.['from']).forEach((f, i) => {
    if (asString(asMapping(f)?.['namespace']) === ctx.namespace && ctx.namespace !== '') {
      ctx.c.warn(`${at(at('spec.from', i), 'namespace')}: same-namespace references need no grant; this entry has no effect`);
    }
  });
}
