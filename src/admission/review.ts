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

const reviewSchema = z.looseObject({
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
  return issue.path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${String(k)}`)).join('').replace(/^\./, '');
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

/** Decodes an AdmissionReview envelope; anything else is a NOT_ADMISSION_REVIEW error naming what is wrong. */
export function decodeReview(body: unknown): AdmissionReviewIn {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new AdmissionError('NOT_ADMISSION_REVIEW', 'the body is JSON but not an object; expected an AdmissionReview');
  }
  const result = reviewSchema.safeParse(body);
  if (!result.success) {
    const problems = result.error.issues.slice(0, 5).map(explain);
    throw new AdmissionError('NOT_ADMISSION_REVIEW', `not a usable AdmissionReview (admission.k8s.io/v1 or v1beta1): ${problems.join('; ')}`);
  }
  return { apiVersion: result.data.apiVersion, request: result.data.request };
}
