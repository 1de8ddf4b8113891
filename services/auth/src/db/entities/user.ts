import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export const UserSchema = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: {
    id: p.uuid().primary(),
    /** As the user typed it (trimmed); shown back to them. */
    email: p.text(),
    /** Lower-cased; the unique key, so addresses differing only by case collide. */
    emailNormalized: p.text().unique('users_email_normalized_key'),
    /** Null for accounts that only ever signed in with a wallet. */
    passwordHash: p.text().nullable(),
    /** Set at sign-up, then follows the profile's edits (`user.updated`). */
    displayName: p.text(),
    /** Copied from the profile's edits (`user.updated`); null until the user sets one. */
    avatarUrl: p.text().nullable(),
    /** When the copied name and avatar were edited: each field keeps the latest edit, whatever order events arrive in. */
    displayNameEditedAt: p.datetime().nullable(),
    avatarUrlEditedAt: p.datetime().nullable(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});

export type User = InferEntity<typeof UserSchema>;
