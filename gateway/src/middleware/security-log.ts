import type { Request } from 'express';
import { AppError } from '#libs/errors';
import type { UserPrincipal } from '#libs/identity';
import { securityLogger, withRequestId, type Logger } from '#libs/logging';
import { routeLabel } from './access-log.ts';
import type { RefusalReason, TokenRefusal } from './token-refusal.ts';

/** The events the gateway adds to auth's security log, by the name its line carries in `event`. */
export type GatewaySecurityEvent = 'token.rejected' | 'access.denied';

/** Which credentials a refused request offered: their kind only, never any of their text. */
export type CredentialKind = 'bearer' | 'api_key' | 'both';

/** Why the route guard refused a caller it knows. */
export type DenialReason = 'service_token_on_user_route';

/** The cause of a 401 for offered credentials: what `token.rejected` says. */
export class CredentialsRefused {
  readonly credential: CredentialKind;
  readonly refusal: TokenRefusal;

  constructor(credential: CredentialKind, refusal: TokenRefusal) {
    this.credential = credential;
    this.refusal = refusal;
  }
}

/** The cause of a 403 the route guard decided: what `access.denied` says. */
export class AccessDenied {
  readonly reason: DenialReason;
  readonly principal: UserPrincipal;

  constructor(reason: DenialReason, principal: UserPrincipal) {
    this.reason = reason;
    this.principal = principal;
  }
}

/** A 401 for offered credentials, its real reason kept for the log. */
export function credentialsRefused(message: string, credential: CredentialKind, refusal: TokenRefusal): AppError {
  return new AppError('UNAUTHENTICATED', message, { cause: new CredentialsRefused(credential, refusal) });
}

/** A 403 from the route guard, whom it refused kept for the log. */
export function accessDenied(message: string, reason: DenialReason, principal: UserPrincipal): AppError {
  return new AppError('FORBIDDEN', message, { cause: new AccessDenied(reason, principal) });
}

/**
 * What well-behaved clients do: present an access token that has just expired, or one of a
 * session a logout or password change ended a moment ago, then refresh or sign in. Logged at
 * info; every other refusal only a bug or an attack explains, and is a warning.
 */
const ROUTINE_REFUSALS: ReadonlySet<RefusalReason> = new Set(['expired', 'session_revoked']);

/**
 * The gateway's security events (ASVS 5.0 V16.3.1–3), in the shape of auth's: one JSON line
 * each, `log: "security"`, `event`, the real `reason` (which the client never hears), the user
 * and session ids when known, the client's `ip`, the route and the `request_id`. Never a token
 * or key, nor any part of one. Requests without credentials write nothing, nor do routes
 * anyone may call (they never look at credentials).
 */
export function securityEvents(logger: Logger): (error: unknown, req: Request) => void {
  const log = securityLogger(logger);
  return (error, req) => {
    const cause = error instanceof AppError ? error.cause : undefined;
    if (!(cause instanceof CredentialsRefused) && !(cause instanceof AccessDenied)) return;
    const where = { method: req.method, route: routeLabel(req), ip: req.ip };
    withRequestId(req.requestId, () => {
      if (cause instanceof CredentialsRefused) {
        const { reason, userId, sessionId } = cause.refusal;
        const event: GatewaySecurityEvent = 'token.rejected';
        const level = ROUTINE_REFUSALS.has(reason) ? 'info' : 'warn';
        log[level]({ event, reason, credential: cause.credential, user_id: userId, session_id: sessionId, ...where }, event);
        return;
      }
      const { userId, sessionId, tokenType, organizationId } = cause.principal;
      const event: GatewaySecurityEvent = 'access.denied';
      log.warn({ event, reason: cause.reason, user_id: userId, session_id: sessionId, token_type: tokenType, organization_id: organizationId, ...where }, event);
    });
  };
}
