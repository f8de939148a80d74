// AdmissionReview admission.k8s.io/v1 and v1beta1, decoded at the edge. Only the envelope is
// parsed; `object` and `oldObject` stay exactly as the API server sent them, because patches
// are computed against the raw object (a parsed copy would lose unknown fields).
import { z } from 'zod';
import { AdmissionError } from './errors.js';

export const REVIEW_VERSIONS = ['admission.k8s.io/v1', 'admission.k8s.io/v1beta1'] as const;
export type ReviewVersion = (typeof REVIEW_VERSIONS)[number];

const groupVersionKind = z.looseObject({ group: z.string(), version: z.string(), kind: z.string() });
const groupVersionResource = z.looseObject({ group: z.string(), version: z.string(), resource: z.string() });

const requestSchema = z.looseObject({
  uid: z.string().min(1),
  kind: groupVersionKind,
  resource: groupVersionResource,
  subResource: z.string().optional(),
  name: z.string().optional(),
  namespace: z.string().optional(),
  operation: z.enum(['CREATE', 'UPDATE', 'DELETE', 'CONNECT']),
  userInfo: z.unknown().optional(),
  object: z.unknown().optional(),
  oldObject: z.unknown().optional(),
  dryRun: z.boolean().optional(),
  options: z.unknown().optional(),
});

export const reviewSchema = z.looseObject({
  apiVersion: z.enum(REVIEW_VERSIONS),
  kind: z.literal('AdmissionReview'),
  request: requestSchema,
});

export type AdmissionRequest = z.infer<typeof requestSchema>;

export interface AdmissionReviewIn {
  readonly apiVersion: ReviewVersion;
  readonly request: AdmissionRequest;
}

function pathOf(issue: z.core.$ZodIssue): string {
  return issue.path
    .map((k) => (typeof k === 'number' ? `[${k}]` : `.${String(k)}`))
    .join('')
    .replace(/^\./, '');
}

function explain(issue: z.core.$ZodIssue): string {
  const path = pathOf(issue) || 'body';
  if (issue.code === 'invalid_type' && issue.input === undefined) return `${path} is missing`;
  if (issue.code === 'invalid_value' || issue.code === 'invalid_type') {
    const got = issue.input === undefined ? 'nothing' : JSON.stringify(issue.input)?.slice(0, 60);
    return `${path}: ${issue.message} (got ${got})`;
  }
  if (issue.code === 'too_small' && pathOf(issue) === 'request.uid') return 'request.uid is empty';
  return `${path}: ${issue.message}`;
}

type Json = Record<string, unknown>;

const isRecord = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const optionalString = (v: unknown): boolean => v === undefined || typeof v === 'string';
const OPERATIONS: ReadonlySet<unknown> = new Set(['CREATE', 'UPDATE', 'DELETE', 'CONNECT']);
const VERSIONS: ReadonlySet<unknown> = new Set(REVIEW_VERSIONS);

function strings(v: unknown, a: string, b: string, c: string): boolean {
  return isRecord(v) && typeof v[a] === 'string' && typeof v[b] === 'string' && typeof v[c] === 'string';
}

/**
 * The schema's checks written out, for the reviews the API server sends: true exactly when
 * reviewSchema accepts `body` (test/admission/review.test.ts holds them to that). Every
 * request passes here, so the schema itself runs only to explain a refusal.
 */
export function plainlyValid(body: Json): boolean {
  const r = body['request'];
  if (!VERSIONS.has(body['apiVersion']) || body['kind'] !== 'AdmissionReview' || !isRecord(r)) return false;
  return (
    typeof r['uid'] === 'string' &&
    r['uid'].length > 0 &&
    strings(r['kind'], 'group', 'version', 'kind') &&
    strings(r['resource'], 'group', 'version', 'resource') &&
    optionalString(r['subResource']) &&
    optionalString(r['name']) &&
    optionalString(r['namespace']) &&
    OPERATIONS.has(r['operation']) &&
    (r['dryRun'] === undefined || typeof r['dryRun'] === 'boolean')
  );
}

/** Decodes an AdmissionReview envelope; anything else is a NOT_ADMISSION_REVIEW error naming what is wrong. */
export function decodeReview(body: unknown): AdmissionReviewIn {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new AdmissionError('NOT_ADMISSION_REVIEW', 'the body is JSON but not an object; expected an AdmissionReview');
  }
  if (plainlyValid(body as Json)) {
    const b = body as { apiVersion: ReviewVersion; request: AdmissionRequest };
    return { apiVersion: b.apiVersion, request: b.request };
  }
  const result = reviewSchema.safeParse(body);
  if (!result.success) {
    const problems = result.error.issues.slice(0, 5).map(explain);
    throw new AdmissionError('NOT_ADMISSION_REVIEW', `not a usable AdmissionReview (admission.k8s.io/v1 or v1beta1): ${problems.join('; ')}`);
  }
  return { apiVersion: result.data.apiVersion, request: result.data.request };
}
