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

/** `[A-Za-z_$][A-Za-z0-9_$-]*`, by character codes: field paths are built for every field checked, and a regular expression per key showed in the profile. */
function isIdentifier(key: string): boolean {
  if (key.length === 0) return false;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
    if (!letter && (i === 0 || !((c >= 48 && c <= 57) || c === 45))) return false;
  }
  return true;
}

/** Appends a key or an index to a field path: at('spec.http', 0) → 'spec.http[0]'. */
export function at(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (isIdentifier(key)) return path ? `${path}.${key}` : key;
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
