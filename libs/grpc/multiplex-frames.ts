import { Metadata, status as GrpcStatus, type ServiceError, type StatusObject } from '@grpc/grpc-js';
import type { ExchangeResponse } from '#gen/egp/transport/v1/multiplex_service';
import { ERROR_CODE_KEY, ERROR_FIELDS_KEY, ERROR_RATE_LIMIT_KEY, ERROR_RETRY_AFTER_KEY, NOT_RUN_KEY } from './error-metadata.ts';

/*
 * A multiplexed call's failure travels in its response frame with exactly what the unary
 * path puts in the status and its trailing metadata, so `toGrpcStatus` and
 * `fromServiceError` stay the one mapping between AppError and the wire.
 */

const EMPTY = Buffer.alloc(0);

export function okFrame(callId: number, payload: Buffer): ExchangeResponse {
  return { callId, status: GrpcStatus.OK, payload, errorCode: '', errorMessage: '', errorFields: '', notRun: false };
}

/** The answer to a call refused before it ran because this server is shutting down. */
export function notRunFrame(callId: number): ExchangeResponse {
  return { ...errorFrame(callId, { code: GrpcStatus.UNAVAILABLE, details: 'The service is shutting down.' }), notRun: true };
}

/** The frame for a status made by `toGrpcStatus` (or a bare one, for transport failures). */
export function errorFrame(callId: number, status: Partial<StatusObject>): ExchangeResponse {
  const text = (key: string) => {
    const value = status.metadata?.get(key)[0];
    return typeof value === 'string' ? value : '';
  };
  const count = (key: string) => {
    const value = Number(text(key));
    return text(key) !== '' && Number.isFinite(value) ? value : undefined;
  };
  const retryAfter = count(ERROR_RETRY_AFTER_KEY);
  const rateLimit = count(ERROR_RATE_LIMIT_KEY);
  return {
    callId,
    status: status.code ?? GrpcStatus.UNKNOWN,
    payload: EMPTY,
    errorCode: text(ERROR_CODE_KEY),
    errorMessage: status.details ?? '',
    errorFields: text(ERROR_FIELDS_KEY),
    ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}),
    ...(rateLimit !== undefined ? { rateLimit } : {}),
    notRun: false,
  };
}

/** A ServiceError as grpc-js would raise it, so callers handle both transports alike. */
export function serviceError(code: GrpcStatus, details: string, metadata = new Metadata()): ServiceError {
  return Object.assign(new Error(`${code} ${GrpcStatus[code]}: ${details}`), { code, details, metadata });
}

/** The ServiceError a failed response frame stands for. */
export function frameError(frame: ExchangeResponse): ServiceError {
  const metadata = new Metadata();
  if (frame.errorCode) metadata.set(ERROR_CODE_KEY, frame.errorCode);
  if (frame.errorFields) metadata.set(ERROR_FIELDS_KEY, frame.errorFields);
  if (frame.retryAfterSeconds !== undefined) metadata.set(ERROR_RETRY_AFTER_KEY, String(frame.retryAfterSeconds));
  if (frame.rateLimit !== undefined) metadata.set(ERROR_RATE_LIMIT_KEY, String(frame.rateLimit));
  if (frame.notRun) metadata.set(NOT_RUN_KEY, '1');
  return serviceError(frame.status, frame.errorMessage, metadata);
}
