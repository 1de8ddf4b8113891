import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** The user's public profile, projected from auth's `user.registered` and edited by the user. */
export const ProfileSchema = defineEntity({
  name: 'Profile',
  tableName: 'profiles',
  properties: {
    userId: p.uuid().primary(),
    displayName: p.text(),
    avatarUrl: p.text().nullable(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});

export type Profile = InferEntity<typeof ProfileSchema>;
