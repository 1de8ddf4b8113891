import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { Role } from '../../domain/roles.ts';

/** What is stored; EXPIRED is never stored but computed from `expires_at` (see invitationStatus). */
export type StoredInvitationStatus = 'PENDING' | 'ACCEPTED' | 'REVOKED';

export const InvitationSchema = defineEntity({
  name: 'Invitation',
  tableName: 'invitations',
  properties: {
    id: p.uuid().primary(),
    organizationId: p.uuid(),
    /** As the inviter typed it (trimmed). */
    email: p.text(),
    /** Lower-cased; matched against the accepting user's email. */
    emailNormalized: p.text(),
    role: p.text().$type<Exclude<Role, 'OWNER'>>(),
    /** SHA-256 of the one-time token, hex; the token itself is never stored. */
    tokenHash: p.text().unique('invitations_token_hash_key'),
    status: p.text().$type<StoredInvitationStatus>(),
    expiresAt: p.datetime(),
    createdAt: p.datetime(),
    invitedBy: p.uuid(),
    acceptedAt: p.datetime().nullable(),
    acceptedBy: p.uuid().nullable(),
    revokedAt: p.datetime().nullable(),
  },
});

export type Invitation = InferEntity<typeof InvitationSchema>;
