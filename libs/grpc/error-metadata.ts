import { Metadata, status as GrpcStatus, type ServiceError, type StatusObject } from '@grpc/grpc-js';
import { AppError, codeForGrpcStatus, isErrorCode, type FieldError } from '#libs/errors';

/** Trailing metadata keys that carry an AppError across a gRPC hop without losing detail. */
export const ERROR_CODE_KEY = 'x-egp-error-code';
export const ERROR_FIELDS_KEY = 'x-egp-error-fields';
export const ERROR_RETRY_AFTER_KEY = 'x-egp-retry-after';
export const ERROR_RATE_LIMIT_KEY = 'x-egp-rate-limit';
/** Set on a failure the server answered without running the call: safe to retry any method. */
export const NOT_RUN_KEY = 'x-egp-not-run';

/** Turns any thrown value into a gRPC status; unknown errors become INTERNAL with no internals. */
export function toGrpcStatus(error: unknown): Partial<StatusObject> {
  const appError = error instanceof AppError ? error : AppError.internal(error);
  const metadata = new Metadata();
  metadata.set(ERROR_CODE_KEY, appError.code);
  if (appError.fields?.length) metadata.set(ERROR_FIELDS_KEY, JSON.stringify(appError.fields));
  if (appError.retryAfterSeconds !== undefined) metadata.set(ERROR_RETRY_AFTER_KEY, String(appError.retryAfterSeconds));
  if (appError.rateLimit !== undefined) metadata.set(ERROR_RATE_LIMIT_KEY, String(appError.rateLimit));
  return { code: appError.kind, details: appError.message, metadata };
}

function firstString(metadata: Metadata | undefined, key: string): string | undefined {
  const value = metadata?.get(key)[0];
  return typeof value === 'string' ? value : undefined;
}

function parseFields(raw: string | undefined): FieldError[] | undefined {
  if (raw === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? (parsed as FieldError[]) : undefined;
  } catch {
    return undefined;
  }
}

/** Rebuilds the AppError a peer raised, keeping its kind, code and fields (never collapsing to INTERNAL). */
export function fromServiceError(error: ServiceError): AppError {
  const code = firstString(error.metadata, ERROR_CODE_KEY);
  const retryAfter = firstString(error.metadata, ERROR_RETRY_AFTER_KEY);
  const rateLimit = firstString(error.metadata, ERROR_RATE_LIMIT_KEY);
  const fields = parseFields(firstString(error.metadata, ERROR_FIELDS_KEY));
  if (isErrorCode(code)) {
    return new AppError(code, error.details || 'Request failed.', {
      ...(fields ? { fields } : {}),
      ...(retryAfter ? { retryAfterSeconds: Number(retryAfter) } : {}),
      ...(rateLimit ? { rateLimit: Number(rateLimit) } : {}),
      cause: error,
    });
  }
  const fallback = codeForGrpcStatus(error.code);
  if (fallback === 'UNAVAILABLE') return AppError.unavailable(undefined, error);
  if (fallback === 'INTERNAL' || error.code === GrpcStatus.UNKNOWN) return AppError.internal(error);
  return new AppError(fallback, error.details || 'Request failed.', { cause: error });
}
