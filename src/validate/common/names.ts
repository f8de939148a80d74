// DNS-1123 names: Kubernetes object names and labels such as namespaces and port names.

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A lower-case DNS-1123 label (Kubernetes names of namespaces, ports, subsets …). */
export function isDNS1123Label(text: string): boolean {
  return text.length <= 63 && DNS1123_LABEL.test(text);
}

/** A lower-case DNS-1123 subdomain (Kubernetes object names). */
export function isDNS1123Subdomain(text: string): boolean {
  return text.length > 0 && text.length <= 253 && text.split('.').every((l) => isDNS1123Label(l));
}
