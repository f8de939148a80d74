// What both admission routes share: requiring a body, decoding the review, and one log line
// per request with the request's identity and the decision.
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import { AdmissionError } from '../../admission/errors.js';
import { decodeReview, type AdmissionReviewIn } from '../../admission/review.js';
import type { Echo } from '../../admission/respond.js';

export interface Decoded {
  readonly review: AdmissionReviewIn;
  readonly echo: Echo;
  /** The request's identity, carried by every log line about it. */
  readonly bindings: Readonly<Record<string, string>>;
  /** The request's child logger, created on first use (most requests only write the final line). */
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
  const bindings = { uid: r.uid, kind: r.kind.kind, namespace, name, operation: r.operation };
  let child: FastifyBaseLogger | undefined;
  return {
    review,
    echo: { apiVersion: review.apiVersion, uid: r.uid },
    bindings,
    get log(): FastifyBaseLogger {
      child ??= request.log.child(bindings);
      return child;
    },
  };
}

/** The one line logged per admission request: its identity, the decision and the time taken. */
export function logDecision(request: FastifyRequest, d: Decoded, decision: string, seconds: number, msg: string): void {
  // A literal with fixed keys: cheaper to build and to serialise than spreads of two objects.
  const b = d.bindings;
  const durationMs = Math.round(seconds * 1e6) / 1e3;
  const dryRun = d.review.request.dryRun === true;
  request.log.info({ uid: b['uid'], kind: b['kind'], namespace: b['namespace'], name: b['name'], operation: b['operation'], decision, durationMs, dryRun }, msg);
}

export function elapsed(startNs: bigint): number {
  return Number(process.hrtime.bigint() - startNs) / 1e9;
}
