// Telemetry (telemetry.istio.io): tracing, metrics and access logging for the selected
// workloads. Access-log filters are CEL expressions, checked here for syntax only (which
// attributes exist is decided by the proxy at runtime).
import { checkDurations } from '../common/duration-fields.js';
import { at, type Collector } from '../issues.js';
import { checkPolicyAttachment } from '../common/policy-attachment.js';
import { asArray, asMapping, asString, type Mapping } from '../../lib/json.js';
import { celSyntaxProblem } from '../security/cel.js';
import { istioKind } from '../common/istio-kind.js';

function rules(spec: Mapping, c: Collector): void {
  checkDurations('Telemetry', spec, c);
  checkPolicyAttachment(spec, c, { targetRefs: true });
  checkTracing(spec['tracing'], c);
  asArray(spec['metrics']).forEach((m, i) => checkMetrics(asMapping(m), at('spec.metrics', i), c));
  asArray(spec['accessLogging']).forEach((l, i) => checkFilter(asMapping(asMapping(l)?.['filter']), at(at('spec.accessLogging', i), 'filter'), c));
}

function checkTracing(value: unknown, c: Collector): void {
  const list = asArray(value);
  if (list.length > 1) c.warn('spec.tracing: only one tracing entry is supported; the others may be ignored');
  list.forEach((t, i) => {
    const path = at('spec.tracing', i);
    const entry = asMapping(t) ?? {};
    if (asArray(entry['providers']).length > 1) c.warn(`${path}.providers: only one tracing provider is supported; the others may be ignored`);
    const tags = asMapping(entry['customTags']) ?? {};
    for (const [name, tag] of Object.entries(tags)) checkCustomTag(name, asMapping(tag), at(at(path, 'customTags'), name), c);
  });
}

function checkCustomTag(name: string, tag: Mapping | undefined, path: string, c: Collector): void {
  if (name === '') c.error(path, 'tag name must not be empty');
  const kinds = ['literal', 'environment', 'header'].filter((k) => tag?.[k] != null);
  if (kinds.length > 1) c.error(path, `set only one of literal, environment and header; this tag sets ${kinds.join(' and ')}`);
}

function checkMetrics(metrics: Mapping | undefined, path: string, c: Collector): void {
  if (!metrics) return;
  asArray(metrics['overrides']).forEach((o, i) => {
    const override = asMapping(o);
    if (!override) return;
    const p = at(at(path, 'overrides'), i);
    const sel = asMapping(override['match']);
    if (sel && sel['metric'] !== undefined && sel['customMetric'] !== undefined) {
      c.error(at(p, 'match'), 'set metric or customMetric, not both');
    }
    const tags = asMapping(override['tagOverrides']) ?? {};
    for (const [name, tag] of Object.entries(tags)) checkTagOverride(name, asMapping(tag), at(at(p, 'tagOverrides'), name), c);
  });
}

function checkTagOverride(name: string, tag: Mapping | undefined, path: string, c: Collector): void {
  if (name === '') c.warn(`${path}: the tag name is empty`);
  if (!tag) return;
  const operation = asString(tag['operation']) ?? 'UPSERT';
  if (operation === 'UPSERT' && (tag['value'] === undefined || tag['value'] === '')) {
    c.error(at(path, 'value'), 'is required when the operation is UPSERT (the default): it is the expression that computes the tag');
  }
  if (operation === 'REMOVE' && tag['value'] !== undefined) {
    c.error(at(path, 'value'), 'must not be set when the operation is REMOVE');
  }
}

function checkFilter(filter: Mapping | undefined, path: string, c: Collector): void {
  if (!filter) return;
  const expression = filter['expression'];
  if (expression !== undefined && typeof expression !== 'string') return;
  const problem = celSyntaxProblem(expression ?? '');
  if (problem) c.error(at(path, 'expression'), `is not a valid CEL expression: ${problem}`);
}

export const validateTelemetry = istioKind({ rules });
