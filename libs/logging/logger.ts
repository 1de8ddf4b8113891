import { AsyncLocalStorage } from 'node:async_hooks';
import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/** Paths whose values never reach a log line, wherever they appear in a logged object. */
export const redactedPaths = [
  'password',
  'current_password',
  'new_password',
  'currentPassword',
  'newPassword',
  'token',
  'access_token',
  'refresh_token',
  'accessToken',
  'refreshToken',
  'key',
  'secret',
  'authorization',
  '*.password',
  '*.current_password',
  '*.new_password',
  '*.token',
  '*.access_token',
  '*.refresh_token',
  '*.accessToken',
  '*.refreshToken',
  '*.secret',
  '*.authorization',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'headers.authorization',
  'headers["x-api-key"]',
];

interface LogContext {
  requestId: string;
}

const logContext = new AsyncLocalStorage<LogContext>();

/** Runs `fn` with a request id that every log line written inside it carries. */
export function withRequestId<T>(requestId: string, fn: () => T): T {
  return logContext.run({ requestId }, fn);
}

export function currentRequestId(): string | undefined {
  return logContext.getStore()?.requestId;
}

/** A JSON logger for one process; the active request id is mixed into every line. */
export function createLogger(service: string, level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      name: service,
      level,
      base: { service },
      redact: { paths: redactedPaths, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      mixin() {
        const requestId = currentRequestId();
        return requestId === undefined ? {} : { request_id: requestId };
      },
      formatters: {
        level: (label) => ({ level: label }),
      },
    },
    destination,
  );
}

/**
 * The security log: the same logger's lines marked `log: "security"`, one per event with its
 * name in `event` (auth's sign-ins and sessions, the gateway's refused credentials, every
 * service's refused callers), so one filter finds them all.
 */
export function securityLogger(logger: Logger): Logger {
  return logger.child({ log: 'security' });
}
