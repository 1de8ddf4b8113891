import { AppError } from '#libs/errors';
import { securityLogger, type Logger } from '#libs/logging';

/** Every authentication event auth logs, by the name its line carries in `event`. */
export type SecurityEvent =
  | 'sign_in.succeeded'
  | 'sign_in.failed'
  | 'sign_in.refused'
  | 'registration.succeeded'
  | 'registration.failed'
  | 'registration.refused'
  | 'session.refreshed'
  | 'session.refresh_failed'
  | 'session.refresh_token_reused'
  | 'session.logged_out'
  | 'session.revoked'
  | 'session.revoke_failed'
  | 'session.revoke_refused'
  | 'session.ended_by_operator'
  | 'password.changed'
  | 'password.change_failed'
  | 'password.change_refused'
  | 'service_token.issued'
  | 'service_token.refused';

/** Who and what, never a secret: ids, addresses, scopes, counts. */
export type SecurityFields = Record<string, string | number | readonly string[] | undefined>;

/**
 * The authentication events an auditor or an alert looks for (ASVS 5.0 V16.3: every sign-in,
 * success or failure, and every change to sessions and credentials), one JSON line each,
 * marked `log: "security"`, saying who (`user_id` when known), from where (`ip`), and carrying
 * the gateway's request id. Never a password, token or email address: an unknown account is
 * logged as unknown rather than by what was typed (sometimes a password in the wrong field).
 */
export class SecurityLog {
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = securityLogger(logger);
  }

  /** A completed operation. */
  succeeded(event: SecurityEvent, fields: SecurityFields): void {
    this.#logger.info({ event, ...fields }, event);
  }

  /** An attempt that failed on what the caller sent (a wrong password, a taken email…). */
  failed(event: SecurityEvent, reason: string, fields: SecurityFields): void {
    this.#logger.info({ event, reason, ...fields }, event);
  }

  /**
   * An attempt refused before its credentials were checked: a rate limit or brute-force block
   * (with the limit and Retry-After that refused it), or a dependency down. Logged as a warning:
   * these are the lines an alert on credential stuffing keys on.
   */
  refused(event: SecurityEvent, error: unknown, fields: SecurityFields): void {
    const known = error instanceof AppError ? error : undefined;
    this.#logger.warn({ event, code: known?.code ?? 'INTERNAL', retry_after_seconds: known?.retryAfterSeconds, limit: known?.rateLimit, ...fields }, event);
  }

  /** Something that only an attack (or a leaked credential) explains. */
  alert(event: SecurityEvent, fields: SecurityFields): void {
    this.#logger.warn({ event, ...fields }, event);
  }
}
