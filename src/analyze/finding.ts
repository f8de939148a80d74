// Building findings: the object and field each one is about, in kubectl's words, and the
// rule signature every check implements.
import { CODES, type Code, type Finding, type FindingObject } from './codes.js';
import type { Entry, Model } from './model.js';

/** A check of one object (the subject) against everything else the model holds. */
export interface Rule {
  /** `group/Kind` of the subjects this rule looks at. */
  readonly kinds: readonly string[];
  readonly run: (subject: Entry, model: Model) => Finding[];
}

export function ref(e: Entry, path = ''): FindingObject {
  return { ...(e.index >= 0 ? { index: e.index } : {}), apiVersion: e.apiVersion, kind: e.kind, namespace: e.namespace, name: e.name, path };
}

export function finding(code: Code, message: string, fix: string, objects: readonly FindingObject[]): Finding {
  const info = CODES[code];
  return { code, name: info.name, severity: info.severity, message, fix, objects };
}

/** `shop/checkout`, or `checkout` for cluster-scoped objects. */
export function nsName(namespace: string, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/** `VirtualService shop/checkout`. */
export function describe(e: Entry): string {
  return `${e.kind} ${nsName(e.namespace, e.name)}`;
}

/**
 * Conflicts between two objects are reported once: offline on the later object of the input,
 * at admission on the object being applied (index -1).
 */
export function reportsPair(subject: Entry, other: Entry): boolean {
  return subject.index < 0 || other.index < subject.index;
}

/** "a, b and c" — at most `max` names, then "and N more". */
export function names(items: readonly string[], max = 5): string {
  const unique = [...new Set(items)];
  const shown = unique.slice(0, max);
  const more = unique.length - shown.length;
  if (more > 0) return `${shown.join(', ')} and ${more} more`;
  if (shown.length <= 1) return shown.join('');
  return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1] ?? ''}`;
}

const memos = new WeakMap<Model, Map<string, unknown>>();

/** A per-model index built once, on first use (keeps the analysis linear in the input). */
export function memo<T>(model: Model, key: string, build: () => T): T {
  let m = memos.get(model);
  if (!m) {
    m = new Map();
    memos.set(model, m);
  }
  if (!m.has(key)) m.set(key, build());
  return m.get(key) as T;
}
