export { createLogger, currentRequestId, redactedPaths, securityLogger, withRequestId, type Logger } from './logger.ts';
