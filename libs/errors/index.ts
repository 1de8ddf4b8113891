export { AppError, isAppError, type AppErrorOptions, type FieldError } from './app-error.ts';
export { codeForGrpcStatus, errorCatalog, errorCodes, isErrorCode, type ErrorCode } from './codes.ts';
