// Label maps and workload selectors shared by the Istio kinds, and `exportTo` visibility lists.
import { at, type Collector } from '../issues.js';
import { isLabel } from './hosts.js';
import { asArray, asMapping, asString } from '../../lib/json.js';

const LABEL_NAME = /^(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_PREFIX = /^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?)*$/;

/** Why `key` is not a label key as Istio checks it (`[dns.prefix/]name`, name ≤ 63). */
export function istioLabelKeyProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash < 0 ? '' : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  const shape = `label key "${key}" must be an optional DNS prefix and "/" followed by a name of letters, digits, "-", "_" or "."`;
  if (slash >= 0 && !DNS_PREFIX.test(prefix)) return shape;
  if (!LABEL_NAME.test(name)) return shape;
  if (prefix.length > 253) return `label key "${key}" has a DNS prefix longer than 253 characters`;
  if (name.length > 63) return `label key "${key}" has a name longer than 63 characters`;
  return undefined;
}

/** Why `value` is not a label value (empty, or letters, digits, "-", "_", "." starting and ending alphanumeric). */
export function istioLabelValueProblem(value: string): string | undefined {
  if (value === '' || LABEL_NAME.test(value)) return undefined;
  return `label value "${value}" may contain only letters, digits, "-", "_" and ".", and must start and end with a letter or digit`;
}

/** Checks every key and value of a label map (subset labels, sourceLabels, endpoint labels). */
export function checkLabelMap(c: Collector, path: string, labels: unknown): void {
  const map = asMapping(labels);
  if (!map) return;
  for (const [key, raw] of Object.entries(map)) {
    const keyProblem = istioLabelKeyProblem(key);
    if (keyProblem) c.error(at(path, key), keyProblem);
    const value = asString(raw);
    const valueProblem = value === undefined ? undefined : istioLabelValueProblem(value);
    if (valueProblem) c.error(at(path, key), valueProblem);
  }
}

export interface SelectorOptions {
  /** The map's field name: `matchLabels` (security/DestinationRule) or `labels` (Sidecar, ServiceEntry, EnvoyFilter). */
  readonly field: 'matchLabels' | 'labels';
  /** Prefix for the warning about a selector without labels, e.g. "sidecar". */
  readonly kindWord: string;
}

/**
 * Workload selectors may not use empty keys or `*` anywhere (the CRDs reject them too); a
 * selector without labels selects every workload in the namespace, which is worth a warning.
 * Returns true when the selector is present.
 */
export function checkWorkloadSelector(c: Collector, path: string, selector: unknown, opts: SelectorOptions): boolean {
  const sel = asMapping(selector);
  if (!sel) return selector !== undefined && selector !== null;
  const mapPath = at(path, opts.field);
  const labels = asMapping(sel[opts.field]) ?? {};
  for (const [key, raw] of Object.entries(labels)) {
    const value = asString(raw) ?? '';
    if (key === '') c.error(mapPath, 'selector label keys must not be empty');
    if (key.includes('*')) c.error(at(mapPath, key), `selector label key "${key}" contains "*"; selectors match exact labels, wildcards are not supported`);
    if (value.includes('*')) c.error(at(mapPath, key), `selector label value "${value}" contains "*"; selectors match exact labels, wildcards are not supported`);
  }
  if (Object.keys(labels).length === 0) {
    c.warn(`${path}: ${opts.kindWord} selector has no labels, so it applies to every workload in the namespace`);
  }
  return true;
}

export interface ExportToOptions {
  /** ServiceEntry may use `~` (visible to nobody but its own proxies). */
  readonly allowNone?: boolean;
  /** DestinationRule with a workloadSelector may only export to its own namespace. */
  readonly selectorScoped?: boolean;
}

function exportEntryProblem(entry: string, allowNone: boolean): string | undefined {
  if (entry === '.' || entry === '*' || (allowNone && entry === '~')) return undefined;
  if (entry === '~') return '"~" (visible to no one) is only allowed on ServiceEntry';
  if (isLabel(entry)) return undefined;
  return `"${entry}" is not a valid exportTo entry; use ".", "*" or a namespace name`;
}

/** `exportTo`: `.`, `*`, namespace names (and `~` for ServiceEntry), without duplicates or mixing `*`/`~` with others. */
export function checkExportTo(c: Collector, path: string, exportTo: unknown, namespace: string, opts: ExportToOptions = {}): void {
  const entries = asArray(exportTo);
  if (entries.length === 0) return;
  const seen = new Set<string>();
  entries.forEach((raw, i) => {
    const entry = asString(raw);
    if (entry === undefined) return;
    const key = entry === '.' ? namespace : entry;
    if (seen.has(key)) {
      c.error(at(path, i), entry === key ? `"${entry}" is listed more than once` : `"." already means the current namespace "${namespace}", which is also listed`);
      return;
    }
    const problem = exportEntryProblem(entry, opts.allowNone ?? false);
    if (problem) c.error(at(path, i), problem);
    else seen.add(key);
  });
  checkExportToMix(c, path, entries.length, seen, namespace, opts);
}

function checkExportToMix(c: Collector, path: string, count: number, seen: Set<string>, namespace: string, opts: ExportToOptions): void {
  if (opts.selectorScoped && seen.size > 0) {
    if (!seen.has(namespace)) c.error(path, 'a DestinationRule with a workloadSelector can only be exported to its own namespace (".")');
    else if (seen.size > 1) c.error(path, 'a DestinationRule with a workloadSelector can only list its own namespace in exportTo');
  }
  if (seen.has('*') && count > 1) c.error(path, '"*" already exports to every namespace; remove the other entries');
  if (seen.has('~') && count > 1) c.error(path, '"~" hides the service from everyone; it cannot be combined with other entries');
}
