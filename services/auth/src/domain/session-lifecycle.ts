import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '#libs/errors';
import type { SessionRevocationList } from '#libs/session-revocation';
import { RefreshTokenSchema, SessionSchema } from '../db/entities/index.ts';
import type { IssuedTokens } from './auth-result.ts';
import type { SecurityLog } from './security-log.ts';
import { hashRefreshToken, type SessionFactory } from './sessions.ts';
import type { TokenIssuer } from './token-issuer.ts';

export interface SessionLifecycleDeps {
  em: EntityManager;
  sessions: SessionFactory;
  tokens: TokenIssuer;
  revocations: SessionRevocationList;
  audit: SecurityLog;
}

const invalidRefreshToken = () => new AppError('UNAUTHENTICATED', 'The refresh token is invalid or expired.');

/** Revokes sessions in Postgres (inside `em`'s transaction); the caller publishes them to Redis after commit. */
async function revokeSessions(em: EntityManager, ids: string[], reason: string): Promise<void> {
  if (ids.length === 0) return;
  await em.nativeUpdate(SessionSchema, { id: { $in: ids }, revokedAt: null }, { revokedAt: new Date(), revokedReason: reason });
}

/**
 * Spends a refresh token and issues a new pair in the same session. The token row is locked,
 * so of two concurrent uses exactly one wins; presenting an already spent token is treated
 * as theft and ends the whole session (its token family).
 */
export async function refreshSession(deps: SessionLifecycleDeps, refreshToken: string, ip: string): Promise<IssuedTokens> {
  const now = new Date();
  const outcome = await deps.em.fork().transactional(async (em) => {
    const token = await em.findOne(RefreshTokenSchema, { tokenHash: hashRefreshToken(refreshToken) }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!token) return { kind: 'invalid' as const };
    const session = await em.findOne(SessionSchema, { id: token.sessionId });
    if (!session || session.revokedAt) return { kind: 'invalid' as const };
    if (token.usedAt) {
      await revokeSessions(em, [session.id], 'refresh_token_reuse');
      return { kind: 'reused' as const, userId: session.userId, sessionId: session.id };
    }
    if (token.expiresAt <= now || session.expiresAt <= now) return { kind: 'invalid' as const };
    // Past its maximum lifetime a session is over, however recently it was used.
    const expiresAt = deps.sessions.expiryAfterUse(session, now);
    if (expiresAt <= now) return { kind: 'invalid' as const };
    token.usedAt = now;
    session.expiresAt = expiresAt;
    const next = deps.sessions.issueRefreshToken(em, session.id, expiresAt, now);
    return { kind: 'rotated' as const, userId: session.userId, sessionId: session.id, refreshToken: next };
  });
  if (outcome.kind === 'reused') {
    await deps.revocations.revoke([outcome.sessionId]);
    deps.audit.alert('session.refresh_token_reused', { user_id: outcome.userId, session_id: outcome.sessionId, ip });
    throw invalidRefreshToken();
  }
  if (outcome.kind === 'invalid') {
    deps.audit.failed('session.refresh_failed', 'invalid_or_expired', { ip });
    throw invalidRefreshToken();
  }
  deps.audit.succeeded('session.refreshed', { user_id: outcome.userId, session_id: outcome.sessionId, ip });
  return {
    accessToken: deps.tokens.accessToken({ userId: outcome.userId, sessionId: outcome.sessionId }),
    refreshToken: outcome.refreshToken,
    tokenType: 'Bearer',
    expiresIn: deps.tokens.accessTokenTtlSeconds,
  };
}

/** Ends the caller's current session and the one the refresh token belongs to, if it is theirs. */
export async function logout(deps: SessionLifecycleDeps, userId: string, currentSessionId: string, refreshToken: string, ip: string): Promise<void> {
  const ended = await deps.em.fork().transactional(async (em) => {
    const token = await em.findOne(RefreshTokenSchema, { tokenHash: hashRefreshToken(refreshToken) });
    const owned = token ? await em.findOne(SessionSchema, { id: token.sessionId, userId }) : null;
    const ids = [...new Set([currentSessionId, ...(owned ? [owned.id] : [])])];
    await revokeSessions(em, ids, 'logout');
    return ids;
  });
  await deps.revocations.revoke(ended);
  deps.audit.succeeded('session.logged_out', { user_id: userId, session_ids: ended, ip });
}

/** Which of a user's open sessions to end: all but one, or those named. */
type SessionChoice = { except: string } | { only: readonly string[] };

/**
 * Ends the user's open sessions that `choice` picks (inside `em`'s transaction) and returns
 * their ids: expired and already ended ones are left alone, so they are never reported.
 */
export async function endOpenSessions(em: EntityManager, userId: string, choice: SessionChoice, reason: string): Promise<string[]> {
  const id = 'except' in choice ? { $ne: choice.except } : { $in: [...choice.only] };
  const open = await em.find(SessionSchema, { userId, id, revokedAt: null, expiresAt: { $gt: new Date() } }, { fields: ['id'] });
  const ids = open.map((session) => session.id);
  await revokeSessions(em, ids, reason);
  return ids;
}
