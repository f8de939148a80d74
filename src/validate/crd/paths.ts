// Field paths inside the CRD layer: kept as segments (so that ratcheting can follow them into
// the old object) and printed in kubectl's style only when an issue leaves the layer.
import { at } from '../issues.js';

export type Segment = string | number;
export type Segments = readonly Segment[];

/** `['spec', 'http', 0, 'route']` → `spec.http[0].route`. */
export function pathText(segs: Segments): string {
  return segs.reduce<string>((p, s) => at(p, s), '');
}

/** A field problem found by the CRD layer. */
export interface FieldError {
  readonly segs: Segments;
  readonly message: string;
  /** One of the error types after which the API server skips the CEL rules (§1.5). */
  readonly blocking: boolean;
  /** Which ratcheting rule applies on UPDATE: schema errors are dropped, CEL errors become warnings. */
  readonly ratchet: 'schema' | 'cel' | 'never';
}

export function fieldError(segs: Segments, message: string, blocking: boolean, ratchet: FieldError['ratchet'] = 'schema'): FieldError {
  return { segs, message, blocking, ratchet };
}

/** A path built while walking, without copying: each step points at its parent. */
export interface PathLink {
  readonly up: PathLink | undefined;
  readonly key: Segment;
}

export function step(up: PathLink | undefined, key: Segment): PathLink {
  return { up, key };
}

export function segmentsOf(link: PathLink | undefined): Segment[] {
  const out: Segment[] = [];
  for (let l = link; l !== undefined; l = l.up) out.push(l.key);
  return out.reverse();
}
