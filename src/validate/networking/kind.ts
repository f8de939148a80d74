// The hand-written rules of one networking.istio.io kind: Istio's annotation rules, then the
// kind's own rules (istiod's semantic checks) on the decoded spec. The structure — types,
// required fields, enums, the CRD's CEL rules — is the CRD layer's job (../crd).
import { checkIstioAnnotations } from '../common/object-metadata.js';
import { asString, type Mapping } from '../../lib/json.js';
import type { KindRules } from '../framework.js';
import type { Collector, KubeObject } from '../issues.js';

/** What a kind's rules see: the spec (an object, `{}` when absent) and the object's identity. */
export interface SpecContext {
  readonly c: Collector;
  readonly spec: Mapping;
  readonly name: string;
  readonly namespace: string;
  readonly annotations: Readonly<Record<string, unknown>>;
  readonly labels: Readonly<Record<string, unknown>>;
}

export interface KindDefinition {
  readonly rules: (ctx: SpecContext) => void;
}

/** The rules of one kind; the spec is checked when it is an object (absent counts as `{}`). */
export function istioKind(def: KindDefinition): KindRules {
  return (ctx) => {
    checkIstioAnnotations(ctx.object as KubeObject, ctx.c);
    const raw = ctx.object['spec'];
    const spec = raw === undefined ? {} : ctx.spec;
    if (!spec) return;
    def.rules({ c: ctx.c, spec, name: ctx.name, namespace: ctx.namespace, annotations: ctx.annotations, labels: ctx.labels });
  };
}

/** The annotation Istio sets on objects it generates from Gateway API routes. */
export function hasGatewaySemantics(annotations: Readonly<Record<string, unknown>>, key: string): boolean {
  return asString(annotations[key]) === 'gateway';
}
