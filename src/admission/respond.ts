// AdmissionReview responses, built only through these constructors. Each echoes the request's
// apiVersion, kind and uid, so the API server can match the answer to its question.
// `reviewBytes` writes one as the bytes of its JSON: fixed fragments with the variable parts
// spliced in, and the base64 patch copied as it is, instead of a generic serialiser walking
// the object and a string the socket has to encode again.
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

const HEADS: Readonly<Record<ReviewVersion, string>> = {
  'admission.k8s.io/v1': '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":',
  'admission.k8s.io/v1beta1': '{"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview","response":{"uid":',
};

/**
 * The JSON of an answer, byte for byte what JSON.stringify gives for it (same keys, same
 * order), as a Buffer the socket writes without encoding it again.
 */
export function reviewBytes(out: AdmissionReviewOut): Buffer {
  const r = out.response;
  let json = HEADS[out.apiVersion] + JSON.stringify(r.uid) + (r.allowed ? ',"allowed":true' : ',"allowed":false');
  if (r.status !== undefined) json += `,"status":${JSON.stringify(r.status)}`;
  if (r.patchType !== undefined) json += ',"patchType":"JSONPatch"';
  // Base64 needs no escaping: the characters go in as they are.
  if (r.patch !== undefined) json += `,"patch":"${r.patch}"`;
  if (r.warnings !== undefined) json += `,"warnings":${JSON.stringify(r.warnings)}`;
  if (r.auditAnnotations !== undefined) json += `,"auditAnnotations":${JSON.stringify(r.auditAnnotations)}`;
  return Buffer.from(`${json}}}`, 'utf8');
}

/** The webhook failed: not a verdict on the object. The message must be safe to show. */
export function errored(echo: Echo, message: string, code = 500): AdmissionReviewOut {
  return review(echo, { allowed: false, status: { code, reason: 'InternalError', message } });
}
