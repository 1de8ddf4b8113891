import type { AuthServiceServer } from '#gen/egp/auth/v1/auth_service';
import { isUuid } from '#libs/db';
import { AppError } from '#libs/errors';
import type { AsyncHandlers } from '#libs/grpc';
import type { Principal, UserPrincipal } from '#libs/identity';
import { endSessionsAsOperator, sessionEndTarget } from '../domain/operator-session-end.ts';
import { changePassword, type PasswordChangeDeps } from '../domain/password-change.ts';
import { loginWithPassword, type PasswordLoginDeps } from '../domain/password-login.ts';
import { registerUser, type RegistrationDeps } from '../domain/registration.ts';
import { logout, refreshSession, type SessionLifecycleDeps } from '../domain/session-lifecycle.ts';
import type { SigningKeyStore } from '../domain/signing-keys.ts';
import { exchangeToken, type TokenExchangeDeps } from '../domain/token-exchange.ts';
import { getUser } from '../domain/user-directory.ts';
import { listOwnSessions, revokeOwnSessions, type SessionRevokeDeps } from '../domain/user-sessions.ts';
import { toSessionInfo, toTokenPair, toUserMessage } from './user-mapper.ts';

export interface AuthHandlerDeps {
  registration: RegistrationDeps;
  login: PasswordLoginDeps;
  lifecycle: SessionLifecycleDeps;
  passwordChange: PasswordChangeDeps;
  sessionRevoke: SessionRevokeDeps;
  exchange: TokenExchangeDeps;
  keys: SigningKeyStore;
}

/** Sign-up, sign-in and refresh are made by the gateway for anonymous callers. */
function clientIp(principal: Principal): string {
  if (principal.kind !== 'anonymous') throw AppError.forbidden('This call is made without a signed-in user.');
  return principal.ip ?? 'unknown';
}

/** Self-service needs the user's own access token; a down-scoped service token is not enough. */
function ownUser(principal: Principal): UserPrincipal {
  if (principal.kind !== 'user' || principal.tokenType !== 'access') throw AppError.unauthenticated();
  return principal;
}

export function authHandlers(deps: AuthHandlerDeps): AsyncHandlers<AuthServiceServer> {
  return {
    register: async (request, { principal }) => {
      const result = await registerUser(deps.registration, { ...request, ip: clientIp(principal) });
      return { user: toUserMessage(result), tokens: toTokenPair(result.tokens) };
    },
    login: async (request, { principal }) => {
      const result = await loginWithPassword(deps.login, { ...request, ip: clientIp(principal) });
      return { user: toUserMessage(result), tokens: toTokenPair(result.tokens) };
    },
    refresh: async ({ refreshToken }, { principal }) => ({ tokens: toTokenPair(await refreshSession(deps.lifecycle, refreshToken, clientIp(principal))) }),
    logout: async ({ refreshToken }, { principal }) => {
      const user = ownUser(principal);
      await logout(deps.lifecycle, user.userId, user.sessionId, refreshToken, user.ip ?? 'unknown');
      return {};
    },
    changePassword: async ({ currentPassword, newPassword }, { principal }) => {
      const user = ownUser(principal);
      await changePassword(deps.passwordChange, {
        userId: user.userId,
        sessionId: user.sessionId,
        ip: user.ip ?? 'unknown',
        currentPassword,
        newPassword,
      });
      return {};
    },
    listSessions: async (_request, { principal }) => {
      const user = ownUser(principal);
      return { sessions: (await listOwnSessions(deps.lifecycle.em, user.userId, user.sessionId)).map(toSessionInfo) };
    },
    revokeSessions: async ({ currentPassword, sessionIds, allOthers }, { principal }) => {
      const user = ownUser(principal);
      const input = { userId: user.userId, sessionId: user.sessionId, ip: user.ip ?? 'unknown', currentPassword, sessionIds, allOthers };
      return { revokedSessionIds: await revokeOwnSessions(deps.sessionRevoke, input) };
    },
    exchangeToken: async ({ organizationId, appId, scope }, { principal, requestId, deadline }) => {
      const user = ownUser(principal);
      if (!isUuid(organizationId)) throw AppError.notFound('Organization');
      return exchangeToken(deps.exchange, { userId: user.userId, sessionId: user.sessionId, organizationId, appId, scope, call: { requestId, deadline } });
    },
    getUser: async ({ userId }, { principal }) => {
      if (!isUuid(userId)) throw AppError.notFound('User');
      return { user: toUserMessage(await getUser(deps.login.em, principal, userId)) };
    },
    getJwks: async () => ({ keys: deps.keys.publicKeys() }),
    endSessions: async ({ userId, allUsers }, { principal }) => {
      if (principal.kind !== 'service') throw AppError.forbidden();
      return { endedSessions: await endSessionsAsOperator(deps.lifecycle, sessionEndTarget(userId, allUsers), principal.service) };
    },
    rotateSigningKeys: async ({ force }, { principal }) => {
      if (principal.kind !== 'service') throw AppError.forbidden();
      return { currentKid: await deps.keys.rotate({ force }) };
    },
  };
}
