// The one shape of both admission routes: this wrapper decodes the review, times the request,
// asks the route's plain function for a verdict, turns anything it throws into an errored answer,
// hands the verdict to the route's metrics and to the notice sink (Kubernetes Events), and writes
// the request's one log line: the decision, the reason in words, the user, the object and the
// duration. A route is `decide(call) → Verdict` plus its metrics; nothing else.
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AdmissionError } from '../../admission/errors.js';
import type { AdmissionNotice, NoticeSink } from '../../admission/notice.js';
import { reviewBytes, type AdmissionReviewOut, type Echo } from '../../admission/respond.js';
import { decodeReview, type AdmissionRequest, type AdmissionReviewIn } from '../../admission/review.js';

export interface AdmissionCall {
  readonly review: AdmissionReviewIn;
  readonly request: AdmissionRequest;
  readonly echo: Echo;
  /** The object's name (or `generateName*`) and namespace, for logs and messages. */
  readonly name: string;
  readonly namespace: string;
  /** What follows /inject or /validate in the path ('' for the bare path). */
  readonly suffix: string;
  /** The server's logger, for what a route has to say beyond the request's one line. */
  readonly log: FastifyBaseLogger;
}

export type Decision = 'inject' | 'skip' | 'deny' | 'allow' | 'error';

export interface Verdict {
  readonly body: AdmissionReviewOut;
  readonly decision: Decision;
  /** Stable code: host_network, invalid_resource, unknown_kind, ... */
  readonly reason?: string;
  /** The reason in words: the skip message, the denial. */
  readonly message?: string;
  /** Fields the route adds to the log line (revision, native sidecars, ambient, ...). */
  readonly fields?: Readonly<Record<string, string | number | boolean>>;
  /** An Event for the object a person applied; recorded unless the request is a dry run. */
  readonly notice?: AdmissionNotice;
}

export interface AdmissionRoute {
  readonly name: 'inject' | 'validate';
  readonly paths: readonly string[];
  /** Asynchronous only when the decision has to read something first (the Pod's Namespace). */
  decide(call: AdmissionCall): Verdict | Promise<Verdict>;
  /** The answer when decide throws (a bug): an error, never a verdict on the object. */
  internalError(call: AdmissionCall): Verdict;
  /** Metrics of one answered request. */
  observe(call: AdmissionCall, verdict: Verdict, seconds: number): void;
  /** Called as a request arrives, before it is decoded. */
  arrived?(): void;
}

function metadataOf(obj: unknown): Record<string, unknown> | undefined {
  const md = (obj as { metadata?: unknown } | null)?.metadata;
  return md !== null && typeof md === 'object' ? (md as Record<string, unknown>) : undefined;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Name and namespace of the object under review. */
export function identity(review: AdmissionReviewIn): { name: string; namespace: string } {
  const r = review.request;
  const md = metadataOf(r.object ?? r.oldObject);
  const generateName = text(md?.['generateName']);
  const name = r.name || text(md?.['name']) || (generateName ? `${generateName}*` : '');
  return { name, namespace: r.namespace || text(md?.['namespace']) };
}

function userOf(r: AdmissionRequest): string {
  return text((r.userInfo as { username?: unknown } | undefined)?.username);
}

function decode(request: FastifyRequest): AdmissionCall {
  if (request.body === undefined || request.body === null || request.body === '') {
    throw new AdmissionError('NO_BODY', 'the request has no body; send an AdmissionReview as JSON');
  }
  const review = decodeReview(request.body);
  const { name, namespace } = identity(review);
  const suffix = (request.params as { '*'?: string } | undefined)?.['*'] ?? '';
  return { review, request: review.request, echo: { apiVersion: review.apiVersion, uid: review.request.uid }, name, namespace, suffix, log: request.log };
}

function logLine(log: FastifyBaseLogger, route: string, call: AdmissionCall, v: Verdict, seconds: number): void {
  const r = call.request;
  // One literal with fixed keys: cheaper to build and serialise than merged objects.
  const line = {
    uid: r.uid,
    kind: r.kind.kind,
    namespace: call.namespace,
    name: call.name,
    operation: r.operation,
    user: userOf(r),
    decision: v.decision,
    reason: v.reason,
    message: v.message,
    durationMs: Math.round(seconds * 1e6) / 1e3,
    dryRun: r.dryRun === true,
  };
  log.info(v.fields ? Object.assign(line, v.fields) : line, route);
}

async function run(route: AdmissionRoute, call: AdmissionCall, log: FastifyBaseLogger): Promise<Verdict> {
  try {
    return await route.decide(call);
  } catch (err) {
    log.error(
      { err, uid: call.request.uid, kind: call.request.kind.kind, namespace: call.namespace, name: call.name },
      `${route.name === 'inject' ? 'injection' : 'validation'} failed unexpectedly`,
    );
    return route.internalError(call);
  }
}

export function elapsed(startNs: bigint): number {
  return Number(process.hrtime.bigint() - startNs) / 1e9;
}

/** Registers the route's paths with the wrapper around its decide function. */
export function admissionRoute(route: AdmissionRoute, notices: NoticeSink) {
  const handler = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const start = process.hrtime.bigint();
    route.arrived?.();
    const call = decode(request);
    const verdict = await run(route, call, request.log);
    const seconds = elapsed(start);
    route.observe(call, verdict, seconds);
    if (verdict.notice && call.request.dryRun !== true) notices.notify(verdict.notice);
    logLine(request.log, route.name, call, verdict, seconds);
    // The JSON bytes themselves: fastify's serialiser and a string write would each cost more.
    return reply.header('content-type', 'application/json; charset=utf-8').send(reviewBytes(verdict.body));
  };
  return async (app: FastifyInstance): Promise<void> => {
    for (const path of route.paths) app.post(path, handler);
  };
}
