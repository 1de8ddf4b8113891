import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** One sign-in; its refresh tokens form one rotation family. */
export const SessionSchema = defineEntity({
  name: 'Session',
  tableName: 'sessions',
  properties: {
    id: p.uuid().primary(),
    userId: p.uuid().index('sessions_user_id_idx'),
    /** How the user signed in (RFC 8176 values: `pwd`, `siwe`...). */
    amr: p.array().$type<string[]>(),
    createdAt: p.datetime(),
    expiresAt: p.datetime(),
    revokedAt: p.datetime().nullable(),
    revokedReason: p.text().nullable(),
  },
});

export type Session = InferEntity<typeof SessionSchema>;

export const RefreshTokenSchema = defineEntity({
  name: 'RefreshToken',
  tableName: 'refresh_tokens',
  properties: {
    id: p.uuid().primary(),
    sessionId: p.uuid().index('refresh_tokens_session_id_idx'),
    /** SHA-256 of the opaque token, hex; the token itself is never stored. */
    tokenHash: p.text().unique('refresh_tokens_token_hash_key'),
    createdAt: p.datetime(),
    expiresAt: p.datetime(),
    usedAt: p.datetime().nullable(),
  },
});

export type RefreshToken = InferEntity<typeof RefreshTokenSchema>;
