// Webhook selectors as the API server reads them (an empty selector selects everything), and
// whether two selectors can hold for the same labels at once: the question behind "would two
// injectors both be called for this Pod?". Labels are key → value; per key the requirements of
// both selectors must leave some value (or absence) possible:
//
//   DoesNotExist with Exists or In          → impossible
//   In sets                                 → their intersection, minus every NotIn value
//   only Exists / NotIn                     → possible (some other value)
import { firstMismatch, type LabelSelector, type Requirement } from '../inject/decide/selectors.js';

export function selects(s: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  return firstMismatch(s, labels) === undefined;
}

function keySatisfiable(reqs: readonly Requirement[]): boolean {
  const absent = reqs.some((r) => r.operator === 'DoesNotExist');
  const present = reqs.some((r) => r.operator === 'Exists' || r.operator === 'In');
  if (absent && present) return false;
  const ins = reqs.filter((r) => r.operator === 'In');
  if (ins.length === 0) return true;
  const excluded = new Set(reqs.filter((r) => r.operator === 'NotIn').flatMap((r) => r.values));
  const [first, ...rest] = ins as [Requirement, ...Requirement[]];
  return first.values.some((v) => !excluded.has(v) && rest.every((r) => r.values.includes(v)));
}

/** Some label set satisfies every selector given. */
export function satisfiable(...selectors: readonly LabelSelector[]): boolean {
  const byKey = new Map<string, Requirement[]>();
  for (const r of selectors.flatMap((s) => s.requirements)) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r]);
  return [...byKey.values()].every(keySatisfiable);
}
