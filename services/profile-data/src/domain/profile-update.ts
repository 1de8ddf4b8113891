import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '#libs/errors';
import { recordEvent } from '#libs/events';
import { ProfileSchema, type Profile } from '../db/entities/index.ts';
import { assertValidChanges, ensureProfile, type ProfileChanges, type ProfileSeed } from './profiles.ts';

/** Applies the user's own profile edits and records `user.updated` in the same transaction. */
export async function updateProfile(
  em: EntityManager,
  userId: string,
  changes: ProfileChanges,
  fetchSeed: () => Promise<ProfileSeed>,
): Promise<Profile> {
  assertValidChanges(changes);
  const seedIfMissing = (await em.fork().findOne(ProfileSchema, { userId })) ? undefined : await fetchSeed();
  return em.fork().transactional(async (tx) => {
    if (seedIfMissing) await ensureProfile(tx, seedIfMissing);
    const profile = await tx.findOne(ProfileSchema, { userId }, { refresh: true });
    if (!profile) throw AppError.notFound('Profile');
    if (changes.displayName !== undefined) profile.displayName = changes.displayName.trim();
    if (changes.avatarUrl !== undefined) profile.avatarUrl = changes.avatarUrl;
    profile.updatedAt = new Date();
    recordEvent(tx, {
      type: 'user.updated',
      source: 'profile-data',
      subject: userId,
      data: {
        user_id: userId,
        ...(changes.displayName === undefined ? {} : { display_name: profile.displayName }),
        ...(changes.avatarUrl === undefined ? {} : { avatar_url: profile.avatarUrl }),
      },
    });
    await tx.flush();
    return profile;
  });
}
