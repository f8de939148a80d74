// Keys of the string maps the Gateway API carries (infrastructure labels and annotations, TLS
// options): Kubernetes qualified names with an optional DNS-subdomain prefix.
import { at, type Collector } from '../issues.js';
import { asObject, asString } from '../common/values.js';

const PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Why `key` is not `[prefix/]name`, or undefined. */
export function qualifiedKeyProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (prefix !== undefined && (prefix.length >= 253 || !PREFIX.test(prefix))) {
    return `the prefix "${prefix}" must be a lower-case DNS subdomain shorter than 253 characters`;
  }
  if (!NAME.test(name)) {
    return 'must be an optional DNS prefix and "/" followed by a name of 1-63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit';
  }
  return undefined;
}

/** Annotation-style keys; `severity` decides whether a bad key is an error or only a warning. */
export function checkAnnotationKeys(map: unknown, path: string, what: string, c: Collector, severity: 'error' | 'warn' = 'warn'): void {
  for (const key of Object.keys(asObject(map) ?? {})) {
    const why = qualifiedKeyProblem(key);
    if (!why) continue;
    if (severity === 'error') c.error(at(path, key), `${what} key: ${why}`);
    else c.warn(`${at(path, key)}: not a valid ${what} key ([dns-prefix/]name)`);
  }
}

/** Label keys and values, as Kubernetes requires them. */
export function checkLabels(map: unknown, path: string, c: Collector): void {
  const labels = asObject(map) ?? {};
  checkAnnotationKeys(labels, path, 'label', c, 'error');
  for (const [key, value] of Object.entries(labels)) {
    const v = asString(value);
    if (v !== undefined && !LABEL_VALUE.test(v)) {
      c.error(at(path, key), 'label value must be empty or letters, digits, "-", "_" or ".", starting and ending with a letter or digit');
    }
  }
}
