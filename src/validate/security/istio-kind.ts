// The skeleton every kind of this family shares: envelope and annotation rules, then the spec's
// structure (zod), then the kind's own CRD and semantic rules, all collected into one report.
import type { z } from 'zod';
import { collector, type Collector, type KubeObject, type Report } from '../issues.js';
import { checkEnvelope, checkIstioAnnotations } from '../common/istio-metadata.js';
import { asObject, type JsonObject } from '../common/values.js';
import { jsonKind, reportStructure } from '../common/zod-report.js';

export interface KindDefinition {
  /** Zod schema of `spec`. */
  readonly schema: z.ZodType;
  /** CRD (OpenAPI/CEL) and webhook rules, run on the raw spec. */
  readonly rules: (spec: JsonObject, c: Collector) => void;
  /** The CRD marks `spec` as required. */
  readonly specRequired?: boolean;
  /** Only AuthorizationPolicy: the action the dry-run annotation rule needs. */
  readonly dryRunAction?: (spec: JsonObject) => string;
}

/** Builds the validator of one kind from its definition. */
export function istioKind(def: KindDefinition): (obj: KubeObject) => Report {
  return (obj) => {
    const c = collector();
    const o = (asObject(obj) ?? {}) as KubeObject;
    checkEnvelope(o, c);
    const spec = specOf(o, def, c);
    checkIstioAnnotations(o, c, def.dryRunAction ? def.dryRunAction(spec ?? {}) : undefined);
    if (spec) {
      reportStructure(def.schema, spec, 'spec', c);
      def.rules(spec, c);
    }
    return { errors: c.errors, warnings: c.warnings };
  };
}

function specOf(obj: KubeObject, def: KindDefinition, c: Collector): JsonObject | undefined {
  if (!('spec' in obj) || obj.spec === undefined) {
    if (def.specRequired) c.error('spec', 'required field is missing');
    return def.specRequired ? undefined : {};
  }
  const spec = asObject(obj.spec);
  if (spec) return spec;
  const hint = obj.spec === null ? ' (is the content below it indented under spec?)' : '';
  c.error('spec', `must be an object, not ${jsonKind(obj.spec)}${hint}`);
  return undefined;
}
