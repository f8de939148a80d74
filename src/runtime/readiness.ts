// Readiness as a set of named conditions that must all hold: `/readyz` answers 200 only when
// nothing is pending, and names what it waits for otherwise.

export interface Readiness {
  /** Marks a condition as not (yet) met, e.g. 'tls' until the certificate loads. */
  block(condition: string): void;
  unblock(condition: string): void;
  ready(): boolean;
  pending(): string[];
}

export function createReadiness(initial: readonly string[] = []): Readiness {
  const blocked = new Set(initial);
  return {
    block: (c) => void blocked.add(c),
    unblock: (c) => void blocked.delete(c),
    ready: () => blocked.size === 0,
    pending: () => [...blocked].sort(),
  };
}
