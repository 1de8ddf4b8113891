import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '#libs/errors';
import type { Principal } from '#libs/identity';
import type { Profile } from '../db/entities/index.ts';

export interface ProfileSeed {
  userId: string;
  displayName: string;
  createdAt: Date;
}

/**
 * Inserts the profile unless it exists. Both the `user.registered` consumer and the
 * read-repair path call this, so whichever comes first wins and the other is a no-op.
 */
export async function ensureProfile(em: EntityManager, seed: ProfileSeed): Promise<void> {
  await em.execute(
    `insert into "profile_data"."profiles" ("user_id", "display_name", "avatar_url", "created_at", "updated_at")
     values (?, ?, null, ?, ?) on conflict ("user_id") do nothing`,
    [seed.userId, seed.displayName, seed.createdAt, seed.createdAt],
  );
}

const PROFILE_BY_USER = `
  select user_id, display_name, avatar_url, created_at, updated_at
    from "profile_data"."profiles" where user_id = ?`;

interface ProfileRow {
  user_id: string;
  display_name: string;
  avatar_url: string | null;
  // The ORM's driver hands timestamps back as text.
  created_at: string | Date;
  updated_at: string | Date;
}

async function findProfile(em: EntityManager, userId: string): Promise<Profile | undefined> {
  // Read on every GET /users/me: one plain query, no entity hydration.
  const [row] = await em.getConnection().execute<ProfileRow[]>(PROFILE_BY_USER, [userId]);
  return row && { userId: row.user_id, displayName: row.display_name, avatarUrl: row.avatar_url, createdAt: new Date(row.created_at), updatedAt: new Date(row.updated_at) };
}

/** Looks up the profile; when the registration event has not arrived yet, asks `fetchSeed` for it. */
export async function getProfile(
  em: EntityManager,
  principal: Principal,
  userId: string,
  fetchSeed: () => Promise<ProfileSeed>,
): Promise<Profile> {
  const mayRead = principal.kind === 'service' || (principal.kind === 'user' && principal.userId === userId);
  if (!mayRead) throw AppError.notFound('Profile');
  const existing = await findProfile(em, userId);
  if (existing) return existing;
  await ensureProfile(em, await fetchSeed());
  const created = await findProfile(em, userId);
  if (!created) throw AppError.notFound('Profile');
  return created;
}

export interface ProfileChanges {
  displayName?: string | undefined;
  /** A URL to set, `null` to remove, `undefined` to leave as is. */
  avatarUrl?: string | null | undefined;
}

const MAX_DISPLAY_NAME = 100;
/** Control characters and bidi embeddings/overrides/isolates, which can disguise a name wherever it is shown. */
const UNSAFE_NAME_CHARACTERS = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/u;

/** Validates profile edits here too, not only at the gateway: the service owns its invariants. */
export function assertValidChanges(changes: ProfileChanges): void {
  const fields = [];
  if (changes.displayName !== undefined) {
    const length = [...changes.displayName.trim()].length;
    if (length < 1 || length > MAX_DISPLAY_NAME) fields.push({ field: 'display_name', message: `must be 1 to ${MAX_DISPLAY_NAME} characters` });
    else if (UNSAFE_NAME_CHARACTERS.test(changes.displayName)) fields.push({ field: 'display_name', message: 'must not contain control characters' });
  }
  if (typeof changes.avatarUrl === 'string' && !isHttpsUrl(changes.avatarUrl)) {
    fields.push({ field: 'avatar_url', message: 'must be an absolute https URL' });
  }
  if (fields.length > 0) throw AppError.validation('Invalid profile.', fields);
}

function isHttpsUrl(value: string): boolean {
  if (value.length > 2048) return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.hostname.length > 0 && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}
