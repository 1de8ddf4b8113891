import type { EntityManager } from '@mikro-orm/postgresql';
import type { OrgServiceService } from '#gen/egp/org/v1/org_service';
import { AppError, type ErrorCode } from '#libs/errors';
import type { AsyncClient, CallOptions } from '#libs/grpc';
import { SessionSchema } from '../db/entities/index.ts';
import type { SecurityLog } from './security-log.ts';
import type { TokenIssuer } from './token-issuer.ts';

export const ISSUED_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/** The scopes a service token may carry, and the least role that may hold each. */
const scopeMinimumRole: Record<string, 'MEMBER' | 'ADMIN'> = {
  'members:read': 'MEMBER',
  // Organization administration: settings, member changes, invitations.
  'org:admin': 'ADMIN',
  'custom_data:read': 'MEMBER',
  'inventory:read': 'MEMBER',
  'system_data:read': 'ADMIN',
  'system_data:write': 'ADMIN',
  'inventory:write': 'ADMIN',
};

/** How a session's `amr` maps onto an organization's `login_methods`. */
const loginMethodByAmr: Record<string, string> = { pwd: 'email_password', siwe: 'web3_siwe' };

export interface TokenExchangeDeps {
  em: EntityManager;
  tokens: TokenIssuer;
  org: AsyncClient<typeof OrgServiceService>;
  serviceTokenTtlSeconds: number;
  audit: SecurityLog;
}

export interface TokenExchangeInput {
  userId: string;
  sessionId: string;
  organizationId: string;
  appId?: string | undefined;
  scope?: string | undefined;
  call: Pick<CallOptions, 'requestId' | 'deadline'>;
}

function grantedScopes(requested: string | undefined, role: string): string[] {
  const isAdmin = role === 'ADMIN' || role === 'OWNER';
  const allowed = Object.entries(scopeMinimumRole).filter(([, minimum]) => minimum === 'MEMBER' || isAdmin).map(([scope]) => scope);
  if (requested === undefined) return allowed;
  // RFC 6749 §3.3: a scope names at least one scope token; "" is not a way to ask for all.
  if (requested.trim() === '') throw AppError.validation('Empty scope.', [{ field: 'scope', message: 'name at least one scope, or leave scope out' }]);
  const asked = requested.trim().split(/\s+/);
  const unknown = asked.filter((scope) => !(scope in scopeMinimumRole));
  if (unknown.length > 0) throw AppError.validation('Unknown scope.', [{ field: 'scope', message: `unknown: ${unknown.join(' ')}` }]);
  // Never widen: the result is what was asked for, intersected with what the role allows.
  const granted = asked.filter((scope) => allowed.includes(scope));
  // A token with no scope at all would be refused everywhere: say so now instead.
  if (granted.length === 0) throw AppError.forbidden('None of the requested scopes is allowed to your role in this organization.');
  return granted;
}

/**
 * RFC 8693-style exchange of a user's access token for a service token bound to one
 * organization. The organization's current policy decides: its allowed sign-in methods
 * against the session's `amr`, and its 2FA requirement (no second factor exists yet, so a
 * session can never satisfy it).
 */
async function issueServiceToken(deps: TokenExchangeDeps, input: TokenExchangeInput) {
  const principal = { kind: 'service', service: 'auth' } as const;
  const access = await deps.org.getAccess({ organizationId: input.organizationId, userId: input.userId }, { principal, ...input.call, idempotent: true });
  const now = new Date();
  // An ended session mints nothing, whether revoked or past its end (a leftover access token
  // outlives its session by up to its own 15 minutes).
  const session = await deps.em.fork().findOne(SessionSchema, { id: input.sessionId, userId: input.userId, revokedAt: null, expiresAt: { $gt: now } });
  if (!session) throw AppError.unauthenticated();
  // Nor does a service token outlive the session it was exchanged from.
  const ttlSeconds = Math.min(deps.serviceTokenTtlSeconds, Math.floor((session.expiresAt.getTime() - now.getTime()) / 1000));
  if (ttlSeconds < 1) throw AppError.unauthenticated();
  const methods = session.amr.map((amr) => loginMethodByAmr[amr]).filter((method): method is string => method !== undefined);
  if (!methods.some((method) => access.loginMethods.includes(method))) {
    throw new AppError('LOGIN_METHOD_NOT_ALLOWED', 'This organization does not allow the sign-in method used for this session.');
  }
  if (access.require2fa) {
    throw new AppError('TWO_FACTOR_REQUIRED', 'This organization requires two-factor authentication, which this session has not completed.');
  }
  if (input.appId !== undefined) {
    // Applications arrive with the app-key service; until then no app belongs to any organization.
    throw AppError.notFound('Application');
  }
  const scope = grantedScopes(input.scope, access.role).join(' ');
  // The id as the organization has it (UUIDs are case-insensitive; ours are lower case), so
  // a client comparing the token's org_id with the organization's id finds them equal.
  const organizationId = input.organizationId.toLowerCase();
  const accessToken = deps.tokens.serviceToken(
    { userId: input.userId, sessionId: session.id, organizationId, role: access.role, amr: session.amr, scope, appId: input.appId },
    ttlSeconds,
  );
  return { accessToken, issuedTokenType: ISSUED_TOKEN_TYPE, tokenType: 'Bearer', expiresIn: ttlSeconds, scope };
}

/** Refusals worth an audit line: the caller's rights or the organization's policy said no. */
const refusalCodes = new Set<ErrorCode>(['VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN', 'TWO_FACTOR_REQUIRED', 'LOGIN_METHOD_NOT_ALLOWED', 'NOT_FOUND']);

/** Issues the service token (issueServiceToken), logging what was granted or why it was not. */
export async function exchangeToken(deps: TokenExchangeDeps, input: TokenExchangeInput) {
  const who = { user_id: input.userId, session_id: input.sessionId, organization_id: input.organizationId, app_id: input.appId };
  try {
    const issued = await issueServiceToken(deps, input);
    deps.audit.succeeded('service_token.issued', { ...who, scope: issued.scope, expires_in: issued.expiresIn });
    return issued;
  } catch (error) {
    if (error instanceof AppError && refusalCodes.has(error.code)) deps.audit.failed('service_token.refused', error.code, who);
    throw error;
  }
}
