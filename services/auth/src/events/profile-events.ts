import type { EntityManager } from '@mikro-orm/postgresql';
import type { EventEnvelope } from '#libs/events';
import { applyProfileEdit } from '../domain/profile-copy.ts';

/** profile-data's events that change what a sign-in shows of the user. */
export const PROFILE_EVENT_TYPES = ['user.updated'] as const;

/** The service that owns the profile: an edit announced by anyone else is acknowledged and ignored. */
const PROFILE_OWNER = 'profile-data';

/**
 * Copies a profile edit into the account. The event's `updated_at` is the profile's own change
 * time (what GET /users/me shows); events recorded before it existed fall back to `occurred_at`.
 */
export async function handleProfileEvent(em: EntityManager, event: EventEnvelope<(typeof PROFILE_EVENT_TYPES)[number]>): Promise<void> {
  if (event.source !== PROFILE_OWNER) return;
  const { user_id: userId, display_name: displayName, avatar_url: avatarUrl, updated_at: updatedAt } = event.data;
  await applyProfileEdit(em, { userId, displayName, avatarUrl, editedAt: new Date(updatedAt ?? event.occurred_at) });
}
