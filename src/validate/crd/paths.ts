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

/**
 * The path of the value being walked, as one mutable stack of keys: a walk pushes a key before
 * descending and pops it after, so no path is built unless a problem is reported (segmentsOf
 * copies it then).
 */
export type PathLink = Segment[];

export function segmentsOf(path: PathLink | undefined): Segment[] {
  return path ? [...path] : [];
}
