import { status as GrpcStatus } from '@grpc/grpc-js';

/**
 * The catalog of stable error codes a client can see. Each code has exactly one gRPC kind;
 * the HTTP status for each code is chosen once, in the gateway's table. A typo in a code
 * is a compile error because every throw site takes an `ErrorCode`.
 */
export const errorCatalog = {
  VALIDATION_FAILED: GrpcStatus.INVALID_ARGUMENT,
  UNAUTHENTICATED: GrpcStatus.UNAUTHENTICATED,
  FORBIDDEN: GrpcStatus.PERMISSION_DENIED,
  TWO_FACTOR_REQUIRED: GrpcStatus.PERMISSION_DENIED,
  LOGIN_METHOD_NOT_ALLOWED: GrpcStatus.PERMISSION_DENIED,
  NOT_FOUND: GrpcStatus.NOT_FOUND,
  METHOD_NOT_ALLOWED: GrpcStatus.UNIMPLEMENTED,
  CONFLICT: GrpcStatus.ALREADY_EXISTS,
  PRECONDITION_FAILED: GrpcStatus.FAILED_PRECONDITION,
  IDEMPOTENCY_KEY_REUSED: GrpcStatus.INVALID_ARGUMENT,
  PAYLOAD_TOO_LARGE: GrpcStatus.OUT_OF_RANGE,
  UNSUPPORTED_MEDIA_TYPE: GrpcStatus.INVALID_ARGUMENT,
  RATE_LIMITED: GrpcStatus.RESOURCE_EXHAUSTED,
  INTERNAL: GrpcStatus.INTERNAL,
  UNAVAILABLE: GrpcStatus.UNAVAILABLE,
} as const satisfies Record<string, GrpcStatus>;

export type ErrorCode = keyof typeof errorCatalog;

export const errorCodes = Object.keys(errorCatalog) as ErrorCode[];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(errorCatalog, value);
}

/** The code a bare gRPC status maps to when a peer sent no code of ours. */
export function codeForGrpcStatus(grpcStatus: GrpcStatus): ErrorCode {
  switch (grpcStatus) {
    case GrpcStatus.INVALID_ARGUMENT:
      return 'VALIDATION_FAILED';
    case GrpcStatus.UNAUTHENTICATED:
      return 'UNAUTHENTICATED';
    case GrpcStatus.PERMISSION_DENIED:
      return 'FORBIDDEN';
    case GrpcStatus.NOT_FOUND:
      return 'NOT_FOUND';
    case GrpcStatus.ALREADY_EXISTS:
    case GrpcStatus.ABORTED:
      return 'CONFLICT';
    case GrpcStatus.FAILED_PRECONDITION:
      return 'PRECONDITION_FAILED';
    case GrpcStatus.OUT_OF_RANGE:
      return 'PAYLOAD_TOO_LARGE';
    case GrpcStatus.RESOURCE_EXHAUSTED:
      return 'RATE_LIMITED';
    case GrpcStatus.UNAVAILABLE:
    case GrpcStatus.DEADLINE_EXCEEDED:
      return 'UNAVAILABLE';
    default:
      return 'INTERNAL';
  }
}
