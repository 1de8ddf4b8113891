import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** A linked wallet as stored in `profiles.wallets`: the event's field names, in link order. */
export interface StoredWallet {
  address: string;
  chain_id: number;
}

/**
 * The user as every response shows them: the public profile (edited by the user) beside a
 * projection of auth's account (email, wallets, account times), kept from auth's events.
 * The account fields are null on rows written before the projection existed; reads repair them.
 */
export const ProfileSchema = defineEntity({
  name: 'Profile',
  tableName: 'profiles',
  properties: {
    userId: p.uuid().primary(),
    displayName: p.text(),
    avatarUrl: p.text().nullable(),
    /** When the profile row was created, and last edited by the user. */
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
    email: p.text().nullable(),
    wallets: p.json<StoredWallet[]>(),
    accountCreatedAt: p.datetime().nullable(),
    accountUpdatedAt: p.datetime().nullable(),
  },
});

export type Profile = InferEntity<typeof ProfileSchema>;
