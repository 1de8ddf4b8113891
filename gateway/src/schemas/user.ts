import { z } from 'zod';
import type { User as Account } from '#gen/egp/auth/v1/auth_service';
import type { UserView as UserViewMessage } from '#gen/egp/profile_data/v1/profile_data_service';
import { timestamp } from './timestamp.ts';

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

/** The user as profile-data answers it: profile and account, `updated_at` already decided there. */
export function toUserView(user: UserViewMessage): UserView {
  return {
    id: user.userId,
    email: user.email,
    display_name: user.displayName || null,
    avatar_url: user.avatarUrl ?? null,
    wallets: user.wallets.map((wallet) => ({ address: wallet.address, chain_id: wallet.chainId })),
    created_at: user.createdAt,
    updated_at: user.updatedAt,
  };
}

/**
 * The account as auth answers a sign-up or sign-in: the profile's name and avatar are auth's
 * copy of them, and `updated_at` is already the later of the account's and the profile's change.
 */
export function accountToUserView(account: Account): UserView {
  return {
    id: account.id,
    email: account.email,
    display_name: account.displayName || null,
    avatar_url: account.avatarUrl ?? null,
    wallets: account.wallets.map((wallet) => ({ address: wallet.address, chain_id: wallet.chainId })),
    created_at: account.createdAt,
    updated_at: account.updatedAt,
  };
}
