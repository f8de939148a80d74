// The closed set of errors the admission edge can raise, each with a stable code, and the one
// function that maps any thrown value to an HTTP status and a metrics label.

export type AdmissionErrorCode = 'NO_BODY' | 'NOT_JSON' | 'UNSUPPORTED_MEDIA_TYPE' | 'BODY_TOO_LARGE' | 'NOT_ADMISSION_REVIEW' | 'INTERNAL';

const HTTP_STATUS: Readonly<Record<AdmissionErrorCode, number>> = {
  NO_BODY: 400,
  NOT_JSON: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  BODY_TOO_LARGE: 413,
  NOT_ADMISSION_REVIEW: 400,
  INTERNAL: 500,
};

export class AdmissionError extends Error {
  override readonly name = 'AdmissionError';
  constructor(
    readonly code: AdmissionErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface MappedError {
  readonly status: number;
  readonly code: AdmissionErrorCode;
  /** Safe to show to the client: never a stack trace or an internal detail. */
  readonly message: string;
  /** Label for the failure metrics. */
  readonly reason: string;
}

/** Fastify's own error codes for the transport problems we care about. */
const FASTIFY_CODES: Readonly<Record<string, AdmissionErrorCode>> = {
  FST_ERR_CTP_EMPTY_JSON_BODY: 'NO_BODY',
  FST_ERR_CTP_INVALID_JSON_BODY: 'NOT_JSON',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'NOT_JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
};

const MESSAGES: Readonly<Record<AdmissionErrorCode, string>> = {
  NO_BODY: 'the request has no body; send an AdmissionReview as JSON',
  NOT_JSON: 'the body is not valid JSON',
  UNSUPPORTED_MEDIA_TYPE: 'Content-Type must be application/json',
  BODY_TOO_LARGE: 'the body is larger than the configured limit',
  NOT_ADMISSION_REVIEW: 'the body is not an AdmissionReview',
  INTERNAL: 'internal error',
};

export function mapError(err: unknown): MappedError {
  if (err instanceof AdmissionError) {
    return { status: HTTP_STATUS[err.code], code: err.code, message: err.message, reason: err.code.toLowerCase() };
  }
  const fastifyCode = (err as { code?: unknown } | null)?.code;
  const code = typeof fastifyCode === 'string' ? FASTIFY_CODES[fastifyCode] : undefined;
  if (code) return { status: HTTP_STATUS[code], code, message: MESSAGES[code], reason: code.toLowerCase() };
  return { status: 500, code: 'INTERNAL', message: MESSAGES.INTERNAL, reason: 'internal' };
}
