// The vocabulary every validator speaks: an Issue is a field path and a message; a Report
// collects every error and warning found in one object (never just the first).

export interface Issue {
  /** Field path in kubectl's style: `spec.http[0].route[1].weight`. */
  readonly path: string;
  readonly message: string;
}

export interface Report {
  readonly errors: Issue[];
  readonly warnings: string[];
}

/** A Kubernetes object as it arrives: only the envelope is typed, the rest stays raw. */
export interface KubeObject {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: {
    name?: unknown;
    namespace?: unknown;
    labels?: unknown;
    annotations?: unknown;
    [key: string]: unknown;
  };
  spec?: unknown;
  [key: string]: unknown;
}

export type Validator = (obj: KubeObject) => Report;

/** Appends a key or an index to a field path: at('spec.http', 0) → 'spec.http[0]'. */
export function at(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (/^[A-Za-z_$][\w$-]*$/.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
}

/** A mutable report builder handed down through one validation pass. */
export interface Collector extends Report {
  error(path: string, message: string): void;
  warn(message: string): void;
}

export function collector(): Collector {
  const errors: Issue[] = [];
  const warnings: string[] = [];
  return {
    errors,
    warnings,
    error(path, message) {
      errors.push({ path, message });
    },
    warn(message) {
      if (!warnings.includes(message)) warnings.push(message);
    },
  };
}
