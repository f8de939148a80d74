// What both admission routes share: requiring a body, decoding the review, and one log line
// per request with the request's identity and the decision.
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import { AdmissionError } from '../../admission/errors.js';
import { decodeReview, type AdmissionReviewIn } from '../../admission/review.js';
import type { Echo } from '../../admission/respond.js';

export interface Decoded {
  readonly review: AdmissionReviewIn;
  readonly echo: Echo;
  readonly log: FastifyBaseLogger;
}

function objectMeta(obj: unknown): { name?: string; namespace?: string; generateName?: string } {
  const md = (obj as { metadata?: Record<string, unknown> } | null)?.metadata;
  if (!md || typeof md !== 'object') return {};
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  return { name: str(md['name']), namespace: str(md['namespace']), generateName: str(md['generateName']) };
}

/** Name and namespace of the object under review, for logs and messages. */
export function identity(review: AdmissionReviewIn): { name: string; namespace: string } {
  const r = review.request;
  const md = objectMeta(r.object ?? r.oldObject);
  const name = r.name || md.name || (md.generateName ? `${md.generateName}*` : '');
  return { name, namespace: r.namespace || md.namespace || '' };
}

export function decode(request: FastifyRequest): Decoded {
  if (request.body === undefined || request.body === null || request.body === '') {
    throw new AdmissionError('NO_BODY', 'the request has no body; send an AdmissionReview as JSON');
  }
  const review = decodeReview(request.body);
  const r = review.request;
  const { name, namespace } = identity(review);
  const log = request.log.child({ uid: r.uid, kind: r.kind.kind, namespace, name, operation: r.operation });
  return { review, echo: { apiVersion: review.apiVersion, uid: r.uid }, log };
}

export function elapsed(startNs: bigint): number {
  return Number(process.hrtime.bigint() - startNs) / 1e9;
}
