import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { Role } from '../../domain/roles.ts';

/** A user's membership of an organization; the role is read from here on every call, never from a token. */
export const MemberSchema = defineEntity({
  name: 'Member',
  tableName: 'members',
  properties: {
    organizationId: p.uuid().primary(),
    userId: p.uuid().primary().index('members_user_id_idx'),
    role: p.text().$type<Role>(),
    joinedAt: p.datetime(),
    customData: p.json<Record<string, unknown>>(),
  },
});

export type Member = InferEntity<typeof MemberSchema>;
