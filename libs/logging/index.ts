export { createLogger, currentRequestId, redactedPaths, withRequestId, type Logger } from './logger.ts';
