import { z } from 'zod';
import type { User } from '#gen/egp/auth/v1/auth_service';
import type { Profile } from '#gen/egp/profile_data/v1/profile_data_service';

const timestamp = z.string().meta({ format: 'date-time', description: 'RFC 3339, UTC' });

export const walletSchema = z.object({
  address: z.string().meta({ description: 'EVM address, 0x-prefixed' }),
  chain_id: z.number().int(),
});

/** The user as every response shows them (GET /users/me, register, login). */
export const userSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  display_name: z.string().nullable(),
  avatar_url: z.string().nullable(),
  wallets: z.array(walletSchema),
  created_at: timestamp,
  updated_at: timestamp,
});

export type UserView = z.input<typeof userSchema>;

/**
 * When the user last changed: the account's time, or the profile's once the profile was
 * edited. A profile only projected from the sign-up (created = updated) changed nothing,
 * though its timestamp may trail the account's by the event's delivery.
 */
function lastChange(user: User, profile: Profile | undefined): string {
  if (!profile || profile.updatedAt === profile.createdAt) return user.updatedAt;
  return Date.parse(profile.updatedAt) > Date.parse(user.updatedAt) ? profile.updatedAt : user.updatedAt;
}

/**
 * An account record from auth, with the profile's fields where profile-data has them.
 * Before a profile exists (right after sign-up) the account's display name stands in.
 */
export function toUserView(user: User, profile?: Profile): UserView {
  return {
    id: user.id,
    email: user.email,
    display_name: (profile ? profile.displayName : user.displayName) || null,
    avatar_url: profile?.avatarUrl ?? null,
    wallets: user.wallets.map((wallet) => ({ address: wallet.address, chain_id: wallet.chainId })),
    created_at: user.createdAt,
    updated_at: lastChange(user, profile),
  };
}
