// AdmissionReview responses, built only through these constructors. Each echoes the request's
// apiVersion, kind and uid, so the API server can match the answer to its question.
import type { Operation } from 'fast-json-patch';
import type { ReviewVersion } from './review.js';

export interface Status {
  readonly code?: number;
  readonly reason?: string;
  readonly message: string;
}

export interface AdmissionResponse {
  readonly uid: string;
  readonly allowed: boolean;
  readonly status?: Status;
  readonly patch?: string;
  readonly patchType?: 'JSONPatch';
  readonly warnings?: string[];
  readonly auditAnnotations?: Record<string, string>;
}

export interface AdmissionReviewOut {
  readonly apiVersion: ReviewVersion;
  readonly kind: 'AdmissionReview';
  readonly response: AdmissionResponse;
}

export interface Echo {
  readonly apiVersion: ReviewVersion;
  readonly uid: string;
}

function review(echo: Echo, response: Omit<AdmissionResponse, 'uid'>): AdmissionReviewOut {
  return { apiVersion: echo.apiVersion, kind: 'AdmissionReview', response: { uid: echo.uid, ...response } };
}

function withWarnings(warnings: readonly string[] | undefined): { warnings?: string[] } {
  return warnings && warnings.length > 0 ? { warnings: [...warnings] } : {};
}

export function allowed(echo: Echo, warnings?: readonly string[]): AdmissionReviewOut {
  return review(echo, { allowed: true, ...withWarnings(warnings) });
}

/** A policy decision against the object: kubectl prints `denied the request: <message>`. */
export function denied(echo: Echo, message: string, opts: { code?: number; reason?: string; warnings?: readonly string[] } = {}): AdmissionReviewOut {
  const status: Status = { code: opts.code ?? 403, reason: opts.reason ?? 'Forbidden', message };
  return review(echo, { allowed: false, status, ...withWarnings(opts.warnings) });
}

/** Allowed with a mutation; an empty patch is a plain allow (no patchType). */
export function patched(echo: Echo, patch: readonly Operation[], warnings?: readonly string[]): AdmissionReviewOut {
  if (patch.length === 0) return allowed(echo, warnings);
  const encoded = Buffer.from(JSON.stringify(patch)).toString('base64');
  return review(echo, { allowed: true, patchType: 'JSONPatch', patch: encoded, ...withWarnings(warnings) });
}

/** The webhook failed: not a verdict on the object. The message must be safe to show. */
export function errored(echo: Echo, message: string, code = 500): AdmissionReviewOut {
  return review(echo, { allowed: false, status: { code, reason: 'InternalError', message } });
}
