// Builds a validator for one networking.istio.io kind from its spec schema and its rules. Every
// kind runs the same layers: envelope and annotations, structure, then the CRD's CEL rules and
// the webhook's semantic rules (which walk the raw spec and skip values of the wrong type).
import type { z } from 'zod';
import { checkIstioAnnotations, checkEnvelope } from '../common/istio-metadata.js';
import { reportStructure } from '../common/zod-report.js';
import { asObject, asString, nameOf, type JsonObject } from '../common/values.js';
import { collector, type Collector, type Issue, type KubeObject, type Report, type Validator } from '../issues.js';

/** What a kind's rules see: the spec (an object, `{}` when absent) and the object's identity. */
export interface SpecContext {
  readonly c: Collector;
  readonly spec: JsonObject;
  readonly name: string;
  readonly namespace: string;
  readonly annotations: Readonly<Record<string, unknown>>;
  readonly labels: Readonly<Record<string, unknown>>;
}

export interface KindDefinition {
  readonly schema: z.ZodType;
  readonly rules: (ctx: SpecContext) => void;
}

function unique(issues: Issue[]): Issue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path}\u0000${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function runRules(def: KindDefinition, obj: KubeObject, c: Collector): void {
  const raw = obj.spec;
  // A missing spec is checked as an empty one, so that required fields are reported.
  const value = raw === undefined || raw === null ? {} : raw;
  reportStructure(def.schema, value, 'spec', c);
  const spec = asObject(value);
  if (!spec) return;
  const { name, namespace } = nameOf(obj);
  const metadata = asObject(obj.metadata);
  const annotations = asObject(metadata?.['annotations']) ?? {};
  const labels = asObject(metadata?.['labels']) ?? {};
  def.rules({ c, spec, name, namespace, annotations, labels });
}

/** Warnings stay under 120 characters (kubectl prints each on one line). */
function short(warning: string): string {
  return warning.length < 120 ? warning : `${warning.slice(0, 118)}…`;
}

/** A validator that never throws: a rule that fails unexpectedly is reported, not propagated. */
export function istioKind(def: KindDefinition): Validator {
  return (obj: KubeObject): Report => {
    const c = collector();
    try {
      checkEnvelope(obj, c);
      checkIstioAnnotations(obj, c);
      runRules(def, obj, c);
    } catch (e) {
      c.error('spec', `meshgate could not finish checking this object (${(e as Error).message}); please report this`);
    }
    return { errors: unique(c.errors), warnings: c.warnings.map(short) };
  };
}

/** The annotation Istio sets on objects it generates from Gateway API routes. */
export function hasGatewaySemantics(annotations: Readonly<Record<string, unknown>>, key: string): boolean {
  return asString(annotations[key]) === 'gateway';
}
