import type { EntityManager } from '@mikro-orm/postgresql';
import type { EventEnvelope } from '#libs/events';
import { appendWallet, hasAccount, projectAccount, touchAccount, type Account, type AccountSource } from '../domain/account-projection.ts';

/** Auth's events that change what the user view shows. */
export const ACCOUNT_EVENT_TYPES = ['user.registered', 'user.wallet_linked', 'user.password_changed'] as const;

export type AccountEventType = (typeof ACCOUNT_EVENT_TYPES)[number];

/** The account as `user.registered` describes it: auth records the event at the account's creation time. */
function registeredAccount(event: EventEnvelope<'user.registered'>): Account {
  const at = new Date(event.occurred_at);
  return { userId: event.data.user_id, email: event.data.email, displayName: event.data.display_name, wallets: [], createdAt: at, updatedAt: at };
}

/**
 * Projects auth's account events into the user's row. Each step is idempotent (JetStream
 * delivers at least once; the consumer's `processed_events` is the first guard, these the second).
 *
 * `user.registered` carries the whole new account (its `occurred_at` is the account's
 * `created_at`). Any other event that finds no account yet (it overtook the registration, or
 * the row predates the projection) first writes the account as auth answers it.
 */
export function accountEventHandler(accounts: AccountSource) {
  return async (em: EntityManager, event: EventEnvelope<AccountEventType>): Promise<void> => {
    const userId = event.data.user_id;
    if (event.type === 'user.registered') {
      await projectAccount(em, registeredAccount(event));
      return;
    }
    if (!(await hasAccount(em, userId))) {
      const account = await accounts(userId);
      // No longer in auth: nothing to project.
      if (!account) return;
      await projectAccount(em, account);
    }
    // Applied even right after the projection: a read-repair racing this handler may have
    // written an older copy of the account, and both changes below are no-ops when already in.
    if (event.type === 'user.wallet_linked') {
      await appendWallet(em, userId, { address: event.data.address, chainId: event.data.chain_id }, new Date(event.occurred_at));
    } else {
      await touchAccount(em, userId, new Date(event.occurred_at));
    }
  };
}
