import type { EntityManager } from '@mikro-orm/postgresql';

/** One profile edit as profile-data announced it: only the fields it changed. */
export interface ProfileEdit {
  userId: string;
  displayName?: string | undefined;
  /** `null` removes the avatar; absent leaves it. */
  avatarUrl?: string | null | undefined;
  editedAt: Date;
}

/*
 * Each field is replaced only by a later edit than the one it holds, and its edit time only
 * moves forward, so a redelivered or overtaken event changes nothing. An account auth no
 * longer has matches no row.
 */
const APPLY_EDIT = `
  update "auth"."users"
     set "display_name" = case when ? and coalesce("display_name_edited_at" < ?::timestamptz, true) then ? else "display_name" end,
         "display_name_edited_at" = case when ? then greatest("display_name_edited_at", ?::timestamptz) else "display_name_edited_at" end,
         "avatar_url" = case when ? and coalesce("avatar_url_edited_at" < ?::timestamptz, true) then ? else "avatar_url" end,
         "avatar_url_edited_at" = case when ? then greatest("avatar_url_edited_at", ?::timestamptz) else "avatar_url_edited_at" end
   where "id" = ?`;

/**
 * Keeps auth's copy of the user's name and avatar, so a sign-in answers the whole user. The
 * copy follows profile-data's `user.updated` events: a sign-in right after an edit may show the
 * previous values until the event arrives (outbox relay, NATS and this consumer: tens of milliseconds).
 */
export async function applyProfileEdit(em: EntityManager, edit: ProfileEdit): Promise<void> {
  const at = edit.editedAt.toISOString();
  const name = edit.displayName !== undefined;
  const avatar = edit.avatarUrl !== undefined;
  await em.getConnection().execute(APPLY_EDIT, [
    name, at, edit.displayName ?? null, name, at,
    avatar, at, edit.avatarUrl ?? null, avatar, at,
    edit.userId,
  ]);
}
