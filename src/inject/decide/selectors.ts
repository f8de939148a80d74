// Kubernetes LabelSelector matching (matchLabels + matchExpressions), used for Istio's
// always/never inject selectors and for emulating the webhook configuration's selectors.
import { isObject, stringMap, type Json } from '../../lib/json.js';

export type SelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface Requirement {
  readonly key: string;
  readonly operator: SelectorOperator;
  readonly values: readonly string[];
}

export interface LabelSelector {
  readonly requirements: readonly Requirement[];
}

const OPERATORS: ReadonlySet<string> = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

/** Parses a LabelSelector object; returns an error message naming the bad part, or the selector. */
export function parseSelector(raw: Json): LabelSelector | string {
  if (!isObject(raw)) return 'must be a label selector object';
  const requirements: Requirement[] = [];
  for (const [key, value] of Object.entries(stringMap(raw['matchLabels']))) {
    requirements.push({ key, operator: 'In', values: [value] });
  }
  const exprs = raw['matchExpressions'] ?? [];
  if (!Array.isArray(exprs)) return 'matchExpressions must be a list';
  for (const e of exprs) {
    if (!isObject(e) || typeof e['key'] !== 'string' || !OPERATORS.has(String(e['operator']))) {
      return `matchExpressions entries need a key and an operator (In, NotIn, Exists, DoesNotExist), got ${JSON.stringify(e)}`;
    }
    const values = Array.isArray(e['values']) ? e['values'].map(String) : [];
    requirements.push({ key: e['key'], operator: e['operator'] as SelectorOperator, values });
  }
  return { requirements };
}

export function requirementMatches(r: Requirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.hasOwn(labels, r.key);
  switch (r.operator) {
    case 'In':
      return has && r.values.includes(labels[r.key] as string);
    case 'NotIn':
      return !has || !r.values.includes(labels[r.key] as string);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
  }
}

/** The first requirement that does not hold, or undefined when the selector matches. */
export function firstMismatch(s: LabelSelector, labels: Readonly<Record<string, string>>): Requirement | undefined {
  return s.requirements.find((r) => !requirementMatches(r, labels));
}

/** An empty selector matches nothing here, as in Istio's inject selectors. */
export function selectorMatches(s: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  return s.requirements.length > 0 && firstMismatch(s, labels) === undefined;
}

export function describeRequirement(r: Requirement): string {
  switch (r.operator) {
    case 'In':
      return r.values.length === 1 ? `${r.key}=${r.values[0]}` : `${r.key} in (${r.values.join(', ')})`;
    case 'NotIn':
      return r.values.length === 1 ? `${r.key}!=${r.values[0]}` : `${r.key} not in (${r.values.join(', ')})`;
    case 'Exists':
      return `${r.key} present`;
    case 'DoesNotExist':
      return `${r.key} absent`;
  }
}
