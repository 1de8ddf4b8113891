import type { EntityManager } from '@mikro-orm/postgresql';
import { createHash, randomBytes } from 'node:crypto';
import { PreparedStatement, uuidv7 } from '#libs/db';
import { RefreshTokenSchema, SessionSchema, type Session } from '../db/entities/index.ts';

/** Opaque refresh tokens: 256 random bits, recognisable prefix, stored only as SHA-256. */
const REFRESH_TOKEN_PREFIX = 'egp_rt_';

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function newRefreshToken(): { token: string; tokenHash: string } {
  const token = REFRESH_TOKEN_PREFIX + randomBytes(32).toString('base64url');
  return { token, tokenHash: hashRefreshToken(token) };
}

export interface OpenedSession {
  session: Session;
  refreshToken: string;
}

/*
 * A session and its first refresh token in one statement: a data-modifying CTE is atomic on
 * its own, so either both rows exist or neither, without a BEGIN/COMMIT round trip each.
 * Only while the account's password is still the one the sign-in verified ($10): the account
 * row is share-locked, so a password change either commits first (no session: that password
 * is no longer good) or waits for this one and then ends it with the user's other sessions.
 * Without it, a sign-in checking the old password during a change kept its session.
 */
const INSERT_SESSION_WITH_TOKEN = new PreparedStatement<{ session_id: string }>(`
  with session as (
    insert into "auth"."sessions" ("id", "user_id", "amr", "created_at", "expires_at", "revoked_at", "revoked_reason")
    select $1, $2, $3::text[], $4, $5, null, null
    where exists (select 1 from "auth"."users" where "id" = $2 and "password_hash" = $10 for share)
    returning "id"
  )
  insert into "auth"."refresh_tokens" ("id", "session_id", "token_hash", "created_at", "expires_at", "used_at")
  select $6, "id", $7, $8, $9, null from session
  returning "session_id"`);

export interface SessionLifetimes {
  /** A refresh token's life: the session ends this long after its last use (sliding). */
  refreshTokenTtlSeconds: number;
  /**
   * However often it is used, a session ends this long after its sign-in, and the user signs
   * in again (ASVS V3.3.2: re-authentication also for sessions in active use).
   */
  maxLifetimeSeconds: number;
}

/** Creates sessions and their refresh tokens, and says how long a session lives. */
export class SessionFactory {
  readonly #lifetimes: SessionLifetimes;

  constructor(lifetimes: SessionLifetimes) {
    this.#lifetimes = lifetimes;
  }

  /** When a session used now ends: a refresh token's life from now, never past its maximum. */
  expiryAfterUse(session: Pick<Session, 'createdAt'>, now: Date): Date {
    const sliding = now.getTime() + this.#lifetimes.refreshTokenTtlSeconds * 1000;
    const absolute = session.createdAt.getTime() + this.#lifetimes.maxLifetimeSeconds * 1000;
    return new Date(Math.min(sliding, absolute));
  }

  /** Opens a session inside the caller's unit of work (written by its flush). */
  open(em: EntityManager, userId: string, amr: string[], now = new Date()): OpenedSession {
    const session = em.create(SessionSchema, this.#newSession(userId, amr, now));
    const refreshToken = this.issueRefreshToken(em, session.id, session.expiresAt, now);
    return { session, refreshToken };
  }

  /**
   * Opens a password sign-in's session on its own, outside any unit of work: one statement,
   * one round trip. Undefined when the account's password is no longer `verifiedHash`.
   */
  async insertAfterPassword(em: EntityManager, userId: string, verifiedHash: string, now = new Date()): Promise<OpenedSession | undefined> {
    const session = this.#newSession(userId, ['pwd'], now);
    const { token, tokenHash } = newRefreshToken();
    const inserted = await INSERT_SESSION_WITH_TOKEN.run(em, [
      session.id, userId, session.amr, now, session.expiresAt,
      uuidv7(), tokenHash, now, session.expiresAt, verifiedHash,
    ]);
    return inserted.length === 1 ? { session, refreshToken: token } : undefined;
  }

  issueRefreshToken(em: EntityManager, sessionId: string, expiresAt: Date, now = new Date()): string {
    const { token, tokenHash } = newRefreshToken();
    em.create(RefreshTokenSchema, {
      id: uuidv7(),
      sessionId,
      tokenHash,
      createdAt: now,
      expiresAt,
      usedAt: null,
    });
    return token;
  }

  #newSession(userId: string, amr: string[], now: Date): Session {
    const expiresAt = this.expiryAfterUse({ createdAt: now }, now);
    return { id: uuidv7(), userId, amr, createdAt: now, expiresAt, revokedAt: null, revokedReason: null };
  }
}
