import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** An EVM address linked to a user; one address belongs to at most one user. */
export const WalletSchema = defineEntity({
  name: 'Wallet',
  tableName: 'wallets',
  properties: {
    /** Lower-case hex, 0x-prefixed. */
    address: p.text().primary(),
    userId: p.uuid().index('wallets_user_id_idx'),
    chainId: p.bigint('number'),
    createdAt: p.datetime(),
  },
});

export type Wallet = InferEntity<typeof WalletSchema>;
