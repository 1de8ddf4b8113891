import type { status as GrpcStatus } from '@grpc/grpc-js';
import { errorCatalog, type ErrorCode } from './codes.ts';

export interface FieldError {
  field: string;
  message: string;
}

export interface AppErrorOptions {
  /** Per-field problems, shown to the client as `errors`. */
  fields?: FieldError[];
  /** Seconds the client should wait before retrying (rate limits). */
  retryAfterSeconds?: number;
  /** The quota of the rate limit that refused the request, for the client's RateLimit-Limit. */
  rateLimit?: number;
  /** The underlying error, kept for logs and never sent to a client. */
  cause?: unknown;
}

/**
 * The one error type of the system. `kind` is a gRPC status code, `code` a stable string
 * from the catalog, `message` safe to show to a client. Transport layers map it once at
 * each boundary: services to a gRPC status, the gateway to problem+json.
 */
export class AppError extends Error {
  readonly kind: GrpcStatus;
  readonly code: ErrorCode;
  readonly fields: FieldError[] | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly rateLimit: number | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.kind = errorCatalog[code];
    this.fields = options.fields;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.rateLimit = options.rateLimit;
  }

  static validation(message: string, fields?: FieldError[]): AppError {
    return new AppError('VALIDATION_FAILED', message, fields ? { fields } : {});
  }

  static unauthenticated(message = 'Authentication is required.'): AppError {
    return new AppError('UNAUTHENTICATED', message);
  }

  static forbidden(message = 'You are not allowed to do this.'): AppError {
    return new AppError('FORBIDDEN', message);
  }

  static notFound(what = 'Resource'): AppError {
    return new AppError('NOT_FOUND', `${what} not found.`);
  }

  static conflict(message: string): AppError {
    return new AppError('CONFLICT', message);
  }

  static unavailable(message = 'A dependency is unavailable; try again shortly.', cause?: unknown): AppError {
    return new AppError('UNAVAILABLE', message, { cause });
  }

  static internal(cause?: unknown): AppError {
    return new AppError('INTERNAL', 'An internal error occurred.', { cause });
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
