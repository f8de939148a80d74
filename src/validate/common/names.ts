// DNS names, wildcard hosts and Kubernetes label syntax.

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Istio compares host labels case-insensitively. */
const DNS_LABEL_ANY_CASE = /^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;

/** A lower-case DNS-1123 label (Kubernetes names of namespaces, ports, subsets …). */
export function isDNS1123Label(text: string): boolean {
  return text.length <= 63 && DNS1123_LABEL.test(text);
}

/** A lower-case DNS-1123 subdomain (Kubernetes object names). */
export function isDNS1123Subdomain(text: string): boolean {
  return text.length > 0 && text.length <= 253 && text.split('.').every((l) => isDNS1123Label(l));
}

/**
 * Why `host` is not a domain name (labels of letters, digits and dashes, a top-level label
 * that is not all digits, an optional trailing dot), or undefined when it is one.
 * With `wildcard`, the first label may be `*`, `*foo` or `*-foo`.
 */
export function domainProblem(host: string, wildcard: boolean): string | undefined {
  if (host.length === 0) return 'domain name must not be empty';
  if (host.length > 255) return `domain name "${host}" is longer than 255 characters`;
  const trimmed = host.endsWith('.') ? host.slice(0, -1) : host;
  const labels = trimmed.split('.');
  const first = labels[0] ?? '';
  if (wildcard && first.startsWith('*')) {
    const rest = first.slice(1).replace(/^-/, '');
    if (rest !== '' && !validLabel(rest)) return `domain name "${host}" has an invalid label "${first}"`;
    labels.shift();
    if (labels.length === 0) return undefined;
  }
  for (const label of labels) {
    if (!validLabel(label)) return `domain name "${host}" has an invalid label "${label}"`;
  }
  const tld = labels[labels.length - 1] ?? '';
  if (/^\d+$/.test(tld)) return `domain name "${host}" has an all-numeric top-level label "${tld}"`;
  return undefined;
}

function validLabel(label: string): boolean {
  return label.length <= 63 && DNS_LABEL_ANY_CASE.test(label);
}

/** `*` may only stand alone or as the whole first label (`*.example.com`). */
export function isPartialWildcard(host: string): boolean {
  return host.includes('*') && host !== '*' && !(host.startsWith('*.') && !host.slice(2).includes('*'));
}

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Why `key` is not a Kubernetes label key (`[prefix/]name`), or undefined. */
export function labelKeyProblem(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return `label key "${key}" may contain at most one "/"`;
  const name = parts[parts.length - 1] ?? '';
  if (parts.length === 2) {
    const prefix = parts[0] ?? '';
    if (prefix.length > 253 || !isDNS1123Subdomain(prefix)) return `label key "${key}" has an invalid DNS prefix "${prefix}"`;
  }
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME.test(name)) {
    return `label key "${key}" must be 1-63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit`;
  }
  return undefined;
}

/** Why `value` is not a Kubernetes label value, or undefined. */
export function labelValueProblem(value: string): string | undefined {
  if (value.length > 63 || !LABEL_VALUE.test(value)) {
    return `label value "${value}" must be at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit`;
  }
  return undefined;
}
