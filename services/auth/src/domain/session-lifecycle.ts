import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { passPointOfNoReturn } from '#libs/deadline';
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

/**
 * Ends sessions in Postgres and in the revocation list the gateways check, inside `em`'s
 * transaction. The Redis write comes before the commit: if Redis cannot take it, the whole
 * change rolls back and the caller answers UNAVAILABLE with nothing changed, instead of
 * leaving sessions ended in Postgres whose tokens the gateways would go on accepting. A commit
 * failing after the write can only end sessions early (their tokens refused), never late.
 */
async function revokeSessions(em: EntityManager, revocations: SessionRevocationList, ids: string[], reason: string): Promise<void> {
  if (ids.length === 0) return;
  await em.nativeUpdate(SessionSchema, { id: { $in: ids }, revokedAt: null }, { revokedAt: new Date(), revokedReason: reason });
  // Past the caller's deadline nothing is written; once written, the commit must follow, late or not.
  passPointOfNoReturn();
  await revocations.revoke(ids);
}

/**
 * Spends a refresh token and issues a new pair in the same session. The token row is locked,
 * so of two concurrent uses exactly one wins; presenting an already spent token is treated
 * as theft and ends the whole session (its token family).
 */
export async function refreshSession(deps: SessionLifecycleDeps, refreshToken: string, ip: string): Promise<IssuedTokens> {
  const now = new Date();
  /** A replayed token's session, known before ending it: theft is reported even if ending it fails. */
  let replayed: { user_id: string; session_id: string } | undefined;
  const outcome = await deps.em.fork().transactional(async (em) => {
    const token = await em.findOne(RefreshTokenSchema, { tokenHash: hashRefreshToken(refreshToken) }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!token) return { kind: 'invalid' as const };
    const session = await em.findOne(SessionSchema, { id: token.sessionId });
    if (!session || session.revokedAt) return { kind: 'invalid' as const };
    if (token.usedAt) {
      replayed = { user_id: session.userId, session_id: session.id };
      await revokeSessions(em, deps.revocations, [session.id], 'refresh_token_reuse');
      return { kind: 'reused' as const, userId: session.userId, sessionId: session.id };
    }
    if (token.expiresAt <= now || session.expiresAt <= now) return { kind: 'invalid' as const };
    // Past its maximum lifetime a session is over, however recently it was used.
    const expiresAt = deps.sessions.expiryAfterUse(session, now);
    if (expiresAt <= now) return { kind: 'invalid' as const };
    token.usedAt = now;
    session.expiresAt = expiresAt;
    const next = deps.sessions.issueRefreshToken(em, session.id, expiresAt, now);
    return { kind: 'rotated' as const, userId: session.userId, sessionId: session.id, refreshToken: next, sessionEndsAt: expiresAt };
  }).catch((error: unknown) => {
    // Redis or Postgres failed while ending it: the session stays open, and an operator must know.
    if (replayed) deps.audit.alert('session.refresh_token_reused', { ...replayed, ip, session_ended: 'no' });
    throw error;
  });
  if (outcome.kind === 'reused') {
    deps.audit.alert('session.refresh_token_reused', { user_id: outcome.userId, session_id: outcome.sessionId, ip });
    throw invalidRefreshToken();
  }
  if (outcome.kind === 'invalid') {
    deps.audit.failed('session.refresh_failed', 'invalid_or_expired', { ip });
    throw invalidRefreshToken();
  }
  deps.audit.succeeded('session.refreshed', { user_id: outcome.userId, session_id: outcome.sessionId, ip });
  const access = deps.tokens.accessTokenWithin({ userId: outcome.userId, sessionId: outcome.sessionId }, outcome.sessionEndsAt);
  return { accessToken: access.token, refreshToken: outcome.refreshToken, tokenType: 'Bearer', expiresIn: access.expiresIn };
}

/** Ends the caller's current session and the one the refresh token belongs to, if it is theirs. */
export async function logout(deps: SessionLifecycleDeps, userId: string, currentSessionId: string, refreshToken: string, ip: string): Promise<void> {
  const ended = await deps.em.fork().transactional(async (em) => {
    const token = await em.findOne(RefreshTokenSchema, { tokenHash: hashRefreshToken(refreshToken) });
    const owned = token ? await em.findOne(SessionSchema, { id: token.sessionId, userId }) : null;
    const ids = [...new Set([currentSessionId, ...(owned ? [owned.id] : [])])];
    await revokeSessions(em, deps.revocations, ids, 'logout');
    return ids;
  });
  deps.audit.succeeded('session.logged_out', { user_id: userId, session_ids: ended, ip });
}

/** Which of a user's open sessions to end: all, all but one, or those named. */
type SessionChoice = { all: true } | { except: string } | { only: readonly string[] };

/**
 * Ends the user's open sessions that `choice` picks (inside `em`'s transaction, published to
 * the revocation list before it commits) and returns their ids: expired and already ended
 * ones are left alone, so they are never reported.
 */
export async function endOpenSessions(em: EntityManager, revocations: SessionRevocationList, userId: string, choice: SessionChoice, reason: string): Promise<string[]> {
  const id = 'all' in choice ? {} : 'except' in choice ? { id: { $ne: choice.except } } : { id: { $in: [...choice.only] } };
  const open = await em.find(SessionSchema, { userId, ...id, revokedAt: null, expiresAt: { $gt: new Date() } }, { fields: ['id'] });
  const ids = open.map((session) => session.id);
  await revokeSessions(em, revocations, ids, reason);
  return ids;
}

/**
 * Ends up to `limit` sessions of any user that were open at `openAt` (inside `em`'s
 * transaction, locked, published before the commit) and returns their ids: one batch of
 * ending every session. Sessions opened since are left alone, so repeating it terminates.
 */
export async function endOpenSessionsBatch(em: EntityManager, revocations: SessionRevocationList, openAt: Date, limit: number, reason: string): Promise<string[]> {
  const open = await em.find(
    SessionSchema,
    { revokedAt: null, expiresAt: { $gt: openAt }, createdAt: { $lte: openAt } },
    { fields: ['id'], orderBy: { id: 'asc' }, limit, lockMode: LockMode.PESSIMISTIC_WRITE },
  );
  const ids = open.map((session) => session.id);
  await revokeSessions(em, revocations, ids, reason);
  return ids;
}

/**
 * Locks all of the user's open sessions inside `em`'s transaction, in id order, and refuses
 * unless the caller's is among them: a request whose session was ended while it ran (by a
 * password change elsewhere, say) changes nothing. All of them and in id order, as every
 * other path that locks several sessions (ending everyone's in batches) takes them, so the
 * two never wait on each other crosswise (a deadlock).
 */
export async function assertSessionOpen(em: EntityManager, userId: string, sessionId: string): Promise<void> {
  const open = await em.find(
    SessionSchema,
    { userId, revokedAt: null, expiresAt: { $gt: new Date() } },
    { lockMode: LockMode.PESSIMISTIC_WRITE, fields: ['id'], orderBy: { id: 'asc' } },
  );
  if (!open.some((session) => session.id === sessionId)) throw AppError.unauthenticated('This session has ended.');
}

/**
 * Locks the account's row for the rest of `em`'s transaction. Password changes take it with
 * their update and session revocations with this, so the two queue on it rather than meet
 * on each other's sessions.
 */
export async function lockAccount(em: EntityManager, userId: string): Promise<void> {
  await em.execute(`select 1 from "auth"."users" where "id" = ? for no key update`, [userId]);
}
