import type { EntityManager } from '@mikro-orm/postgresql';
import type { EventEnvelope } from '#libs/events';
import { appendWallet, hasAccount, projectAccount, touchAccount, type AccountSource } from '../domain/account-projection.ts';

/** Auth's events that change what the user view shows. */
export const ACCOUNT_EVENT_TYPES = ['user.registered', 'user.wallet_linked', 'user.password_changed'] as const;

export type AccountEventType = (typeof ACCOUNT_EVENT_TYPES)[number];

/**
 * Projects auth's account events into the user's row. Each step is idempotent (JetStream
 * delivers at least once; the consumer's `processed_events` is the first guard, these the second).
 *
 * The first event of a user writes the account as auth answers it, not from `user.registered`'s
 * data: the envelope's `occurred_at` trails the account's `created_at` by a few milliseconds,
 * and the view must show the very times of the register response. It also makes an event that
 * overtakes `user.registered` (a retried one, say) safe. Later events apply just their change.
 */
export function accountEventHandler(accounts: AccountSource) {
  return async (em: EntityManager, event: EventEnvelope<AccountEventType>): Promise<void> => {
    const userId = event.data.user_id;
    if (!(await hasAccount(em, userId))) {
      const account = await accounts(userId);
      // No longer in auth: nothing to project.
      if (!account) return;
      await projectAccount(em, account);
    }
    // Applied even right after the projection: a read-repair racing this handler may have
    // written an older copy of the account, and both changes below are no-ops when already in.
    switch (event.type) {
      case 'user.wallet_linked':
        await appendWallet(em, userId, { address: event.data.address, chainId: event.data.chain_id }, new Date(event.occurred_at));
        break;
      case 'user.password_changed':
        await touchAccount(em, userId, new Date(event.occurred_at));
        break;
      case 'user.registered':
        break;
    }
  };
}
