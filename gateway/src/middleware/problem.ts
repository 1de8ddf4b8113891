import { AppError, type ErrorCode, type FieldError } from '#libs/errors';

/** The one place an error code becomes an HTTP status. */
export const httpStatusByCode: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  TWO_FACTOR_REQUIRED: 403,
  LOGIN_METHOD_NOT_ALLOWED: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  IDEMPOTENCY_KEY_REUSED: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
};

/** Short, stable titles (RFC 9457: the same for every occurrence of a problem type). */
const titleByCode: Record<ErrorCode, string> = {
  VALIDATION_FAILED: 'Validation failed',
  UNAUTHENTICATED: 'Authentication required',
  FORBIDDEN: 'Forbidden',
  TWO_FACTOR_REQUIRED: 'Second factor required',
  LOGIN_METHOD_NOT_ALLOWED: 'Login method not allowed',
  NOT_FOUND: 'Not found',
  METHOD_NOT_ALLOWED: 'Method not allowed',
  CONFLICT: 'Conflict',
  PRECONDITION_FAILED: 'Precondition failed',
  PAYLOAD_TOO_LARGE: 'Payload too large',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported media type',
  IDEMPOTENCY_KEY_REUSED: 'Idempotency key reused',
  RATE_LIMITED: 'Too many requests',
  INTERNAL: 'Internal error',
  UNAVAILABLE: 'Service unavailable',
};

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  request_id: string;
  errors?: FieldError[];
}

/**
 * At most this many field errors in one answer: a body of a megabyte of unknown keys would
 * otherwise be answered with several megabytes (an amplifier); no real form has fifty fields.
 */
export const MAX_FIELD_ERRORS = 50;

/** `VALIDATION_FAILED` → `https://egp.dev/problems/validation-failed`. */
export function problemType(code: ErrorCode): string {
  return `https://egp.dev/problems/${code.toLowerCase().replaceAll('_', '-')}`;
}

/**
 * The client's view of any thrown value. An AppError's message is written to be shown;
 * anything else is an unexpected failure whose text stays in the logs.
 */
export function toProblem(error: unknown, requestId: string): Problem {
  const appError = error instanceof AppError ? error : AppError.internal(error);
  const detail = appError.code === 'INTERNAL' ? 'An internal error occurred.' : appError.message;
  return {
    type: problemType(appError.code),
    title: titleByCode[appError.code],
    status: httpStatusByCode[appError.code],
    detail,
    code: appError.code,
    request_id: requestId,
    ...(appError.fields?.length ? { errors: appError.fields.slice(0, MAX_FIELD_ERRORS) } : {}),
  };
}
