import { createHash, randomBytes } from 'node:crypto';
import type { Invitation } from '../db/entities/index.ts';

/** Opaque invitation tokens: 256 random bits behind a recognisable prefix, stored only as SHA-256. */
const TOKEN_PREFIX = 'egp_inv_';
const TOKEN_FORMAT = /^egp_inv_[A-Za-z0-9_-]{43}$/;

export function newInvitationToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** A fast hash is right for a 256-bit random secret (a slow KDF only helps low-entropy passwords). */
export function hashInvitationToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function looksLikeInvitationToken(value: string): boolean {
  return TOKEN_FORMAT.test(value);
}

/** The link in the invitation mail; the token sits in the fragment, which browsers never send to a server. */
export function acceptUrlFor(acceptUrl: string, token: string): string {
  return `${acceptUrl}#token=${token}`;
}

export type InvitationStatus = 'PENDING' | 'ACCEPTED' | 'REVOKED' | 'EXPIRED';

/** EXPIRED is not stored: a pending invitation past its `expires_at` is expired. */
export function invitationStatus(invitation: Pick<Invitation, 'status' | 'expiresAt'>, now: Date): InvitationStatus {
  if (invitation.status === 'PENDING' && invitation.expiresAt.getTime() <= now.getTime()) return 'EXPIRED';
  return invitation.status;
}
