import type { EntityManager } from '@mikro-orm/postgresql';
import { createHash, randomBytes } from 'node:crypto';
import { uuidv7 } from '#libs/db';
import { RefreshTokenSchema, SessionSchema, type Session } from '../db/entities/index.ts';

/** Opaque refresh tokens: 256 random bits, recognisable prefix, stored only as SHA-256. */
const REFRESH_TOKEN_PREFIX = 'egp_rt_';

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface OpenedSession {
  session: Session;
  refreshToken: string;
}

/** Creates sessions and their refresh tokens inside the caller's unit of work. */
export class SessionFactory {
  readonly #refreshTokenTtlSeconds: number;

  constructor(refreshTokenTtlSeconds: number) {
    this.#refreshTokenTtlSeconds = refreshTokenTtlSeconds;
  }

  open(em: EntityManager, userId: string, amr: string[], now = new Date()): OpenedSession {
    const expiresAt = new Date(now.getTime() + this.#refreshTokenTtlSeconds * 1000);
    const session = em.create(SessionSchema, {
      id: uuidv7(),
      userId,
      amr,
      createdAt: now,
      expiresAt,
      revokedAt: null,
      revokedReason: null,
    });
    const refreshToken = this.issueRefreshToken(em, session.id, expiresAt, now);
    return { session, refreshToken };
  }

  issueRefreshToken(em: EntityManager, sessionId: string, expiresAt: Date, now = new Date()): string {
    const token = REFRESH_TOKEN_PREFIX + randomBytes(32).toString('base64url');
    em.create(RefreshTokenSchema, {
      id: uuidv7(),
      sessionId,
      tokenHash: hashRefreshToken(token),
      createdAt: now,
      expiresAt,
      usedAt: null,
    });
    return token;
  }
}
