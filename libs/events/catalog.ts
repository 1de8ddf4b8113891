import { z } from 'zod';

const id = z.uuid();
const role = z.enum(['OWNER', 'ADMIN', 'MEMBER']);
const timestamp = z.iso.datetime({ offset: true });

/**
 * Every event the system publishes: name (aggregate, then what happened, past tense) and
 * the schema of its `data`. A producer cannot record an event whose data does not parse,
 * and a consumer sees `data` typed by the event's `type`.
 */
export const eventCatalog = {
  'user.registered': z.object({ user_id: id, email: z.email(), display_name: z.string() }),
  // Only the fields the edit changed; `updated_at` is the profile's new change time, which
  // orders edits for consumers that keep a copy (optional: events recorded before it existed).
  'user.updated': z.object({ user_id: id, display_name: z.string().optional(), avatar_url: z.string().nullable().optional(), updated_at: timestamp.optional() }),
  'user.password_changed': z.object({ user_id: id }),
  'user.wallet_linked': z.object({ user_id: id, address: z.string().min(1), chain_id: z.number().int().positive() }),

  'org.created': z.object({ organization_id: id, name: z.string(), owner_id: id }),
  'org.settings_updated': z.object({ organization_id: id }),
  'org.member_added': z.object({ organization_id: id, user_id: id, role }),
  'org.member_role_changed': z.object({ organization_id: id, user_id: id, role, previous_role: role }),
  'org.member_removed': z.object({ organization_id: id, user_id: id }),
  'org.invitation_created': z.object({
    organization_id: id,
    invitation_id: id,
    email: z.email(),
    role,
    organization_name: z.string(),
    /** Carries the one-time token in its fragment, for the mailer; the token is stored only hashed. */
    accept_url: z.string(),
    expires_at: timestamp,
  }),
  'org.invitation_accepted': z.object({ organization_id: id, invitation_id: id, user_id: id }),
  'org.invitation_revoked': z.object({ organization_id: id, invitation_id: id }),

  'app.created': z.object({ organization_id: id, app_id: id, name: z.string() }),
  'app.updated': z.object({ organization_id: id, app_id: id, name: z.string() }),
  'app.deleted': z.object({ organization_id: id, app_id: id }),

  'apikey.created': z.object({ organization_id: id, app_id: id, key_id: id }),
  'apikey.revoked': z.object({ organization_id: id, app_id: id, key_id: id }),

  'profile.custom_data_updated': z.object({ organization_id: id, user_id: id }),
  'profile.system_data_updated': z.object({ organization_id: id, user_id: id }),
  'profile.inventory_item_changed': z.object({
    organization_id: id,
    app_id: id,
    user_id: id,
    item_id: z.string().min(1),
    quantity: z.number().int().nonnegative(),
    version: z.number().int().nonnegative(),
  }),
  'profile.metadata_changed': z.object({ organization_id: id, user_id: id, key: z.string().min(1) }),
} as const satisfies Record<string, z.ZodObject>;

export type EventType = keyof typeof eventCatalog;

export type EventData<T extends EventType> = z.infer<(typeof eventCatalog)[T]>;

export const eventTypes = Object.keys(eventCatalog) as EventType[];

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && Object.hasOwn(eventCatalog, value);
}
