import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '#libs/errors';
import { recordEvent } from '#libs/events';
import type { AccountSource } from './account-projection.ts';
import { assertValidChanges, type ProfileChanges } from './profiles.ts';
import { loadUserView, toUserView, USER_VIEW_COLUMNS, type UserView, type UserViewRow } from './user-view.ts';

// `coalesce` keeps a name not being changed; the flag tells "remove the avatar" from "leave it".
const EDIT_PROFILE = `
  update "profile_data"."profiles"
     set "display_name" = coalesce(?, "display_name"),
         "avatar_url" = case when ? then ? else "avatar_url" end,
         "updated_at" = ?::timestamptz
   where "user_id" = ?
  returning ${USER_VIEW_COLUMNS}`;

/**
 * Applies the user's own profile edits, records `user.updated` in the same transaction, and
 * answers the whole user, so the caller needs no second read.
 */
export async function updateProfile(em: EntityManager, userId: string, changes: ProfileChanges, accounts: AccountSource): Promise<UserView> {
  assertValidChanges(changes);
  // The answer includes the account, so a row without it is repaired first (outside the transaction).
  await loadUserView(em, userId, accounts);
  const displayName = changes.displayName?.trim();
  return em.fork().transactional(async (tx) => {
    const editedAt = new Date().toISOString();
    const params = [displayName ?? null, changes.avatarUrl !== undefined, changes.avatarUrl ?? null, editedAt, userId];
    const [row] = await tx.execute<UserViewRow[]>(EDIT_PROFILE, params);
    const view = row && toUserView(row);
    if (!view) throw AppError.notFound('User');
    recordEvent(tx, {
      type: 'user.updated',
      source: 'profile-data',
      subject: userId,
      data: {
        user_id: userId,
        ...(displayName === undefined ? {} : { display_name: view.displayName }),
        ...(changes.avatarUrl === undefined ? {} : { avatar_url: view.avatarUrl }),
        updated_at: editedAt,
      },
    });
    await tx.flush();
    return view;
  });
}
