import { AppError } from '#libs/errors';
import type { Principal } from '#libs/identity';
import { securityLogger, type Logger } from '#libs/logging';

/** Who a principal is, for a log line: ids only, never a credential. */
function who(principal: Principal): Record<string, string | undefined> {
  switch (principal.kind) {
    case 'user':
      return { principal: 'user', user_id: principal.userId, session_id: principal.sessionId, token_type: principal.tokenType, organization_id: principal.organizationId, ip: principal.ip };
    case 'api_key':
      return { principal: 'api_key', key_id: principal.keyId, app_id: principal.appId, organization_id: principal.organizationId, ip: principal.ip };
    case 'service':
      return { principal: 'service', caller_service: principal.service };
    case 'anonymous':
      return { principal: 'anonymous', ip: principal.ip };
  }
}

/**
 * The security events every service's gRPC boundary writes (ASVS 5.0 V16.3.2), in the shape
 * of auth's and the gateway's (`log: "security"`, `event`, `reason`): `access.denied` when a
 * handler refuses a known caller (FORBIDDEN: a role or scope too low, an API key where none
 * may act), and `internal_call.refused` when a call's signed assertion does not verify (a
 * caller inside the network without the shared secret). Both at warn: an alert keys on them.
 * Hidden tenants answer NOT_FOUND and are not logged: they look like any missing record.
 */
export function writeSecurityEvent(logger: Logger, rpc: string, error: unknown, principal: Principal | undefined): void {
  if (!(error instanceof AppError)) return;
  if (principal === undefined) {
    if (error.code === 'UNAUTHENTICATED') securityLogger(logger).warn({ event: 'internal_call.refused', reason: error.message, rpc }, 'internal_call.refused');
    return;
  }
  if (error.code === 'FORBIDDEN') securityLogger(logger).warn({ event: 'access.denied', reason: error.message, rpc, ...who(principal) }, 'access.denied');
}
