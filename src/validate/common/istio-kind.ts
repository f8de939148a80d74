// The hand-written rules of one security, telemetry or extensions kind (and ProxyConfig):
// Istio's annotation rules, then the kind's own rules on the decoded spec. Structure and the
// CRD's CEL rules are the CRD layer's job (../crd).
import { checkIstioAnnotations } from './object-metadata.js';
import type { Mapping } from '../../lib/json.js';
import type { KindRules } from '../framework.js';
import type { Collector, KubeObject } from '../issues.js';

export interface KindDefinition {
  /** istiod's rules, run on the decoded spec. */
  readonly rules: (spec: Mapping, c: Collector) => void;
  /** Only AuthorizationPolicy: the action the dry-run annotation rule needs. */
  readonly dryRunAction?: (spec: Mapping) => string;
}

/** Builds the rules of one kind from its definition. */
export function istioKind(def: KindDefinition): KindRules {
  return (ctx) => {
    const spec = ctx.object['spec'] === undefined ? {} : ctx.spec;
    checkIstioAnnotations(ctx.object as KubeObject, ctx.c, def.dryRunAction ? def.dryRunAction(spec ?? {}) : undefined);
    if (spec) def.rules(spec, ctx.c);
  };
}
