import type { EntityManager } from '@mikro-orm/postgresql';
import type { EventEnvelope } from '#libs/events';
import { ensureProfile } from '../domain/profiles.ts';

/** Projects `user.registered` into a profile; idempotent, as JetStream delivers at least once. */
export async function onUserRegistered(em: EntityManager, event: EventEnvelope<'user.registered'>): Promise<void> {
  await ensureProfile(em, {
    userId: event.data.user_id,
    displayName: event.data.display_name,
    createdAt: new Date(event.occurred_at),
  });
}
