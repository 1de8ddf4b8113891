import { AppError } from '#libs/errors';
import type { Principal } from '#libs/identity';

/** A user acting with their own access token (not a down-scoped service token). */
export function requireOwnUser(principal: Principal): string {
  if (principal.kind === 'anonymous') throw AppError.unauthenticated();
  if (principal.kind !== 'user' || principal.tokenType !== 'access') throw AppError.forbidden('This call needs the user\'s own sign-in.');
  return principal.userId.toLowerCase();
}

/**
 * A user acting with an access token (`boundTo` undefined), or with a service token that only
 * reaches the organization it is bound to (`boundTo`; '' when the token names none, which
 * then matches no organization).
 */
export function requireUser(principal: Principal): { userId: string; boundTo: string | undefined } {
  if (principal.kind === 'anonymous') throw AppError.unauthenticated();
  if (principal.kind !== 'user') throw AppError.forbidden('This call needs a signed-in user.');
  const boundTo = principal.tokenType === 'access' ? undefined : (principal.organizationId?.toLowerCase() ?? '');
  return { userId: principal.userId.toLowerCase(), boundTo };
}

/** Calls other services make on their own behalf (signed `service` principal). */
export function requireInternalService(principal: Principal): void {
  if (principal.kind === 'anonymous') throw AppError.unauthenticated();
  if (principal.kind !== 'service') throw AppError.forbidden('Only internal services may call this.');
}
