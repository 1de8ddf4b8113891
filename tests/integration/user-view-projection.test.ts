import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountEventPublisher, processedByProfileData } from '../support/account-events.ts';
import type { AuthHarness } from '../support/auth-harness.ts';
import type { ProfileDataHarness } from '../support/profile-data-harness.ts';
import { startUserServices, type UserServices } from '../support/user-services.ts';
import { uniqueEmail } from '../support/service-env.ts';

const password = 'violet-anvil-73-harbor';
const service = { principal: { kind: 'service', service: 'test' } } as const;
const walletA = { address: '0x00000000000000000000000000000000000000aa', chain_id: 1 };
const walletB = { address: '0x00000000000000000000000000000000000000bb', chain_id: 137 };

describe('the user view projected from account events (profile-data)', () => {
  let services: UserServices;
  let auth: AuthHarness;
  let profiles: ProfileDataHarness;
  let events: AccountEventPublisher;
  let db: pg.Client;

  beforeAll(async () => {
    services = await startUserServices();
    ({ auth, profiles, db } = services);
    events = await AccountEventPublisher.connect();
  });
  afterAll(async () => {
    await events.close();
    await services.stop();
  });

  /** A registered user whose sign-up event has been projected. */
  async function projectedUser(label: string) {
    const { user } = await auth.client.register({ email: uniqueEmail(label), password }, auth.anonymous());
    const userId = user?.id ?? '';
    const email = async () => (await db.query<{ email: string | null }>('select email from profile_data.profiles where user_id = $1', [userId])).rows[0]?.email;
    await expect.poll(email, { timeout: 10_000, interval: 50 }).toBe(user?.email);
    return { userId, createdAt: user?.createdAt ?? '', updatedAt: user?.updatedAt ?? '' };
  }

  /** Publishes and waits until profile-data has handled it (a replica in another file may be the one). */
  async function deliver(...args: Parameters<AccountEventPublisher['publish']>) {
    const id = await events.publish(...args);
    await expect.poll(() => processedByProfileData(db, id), { timeout: 10_000, interval: 50 }).toBe(true);
  }

  const view = async (userId: string) => (await profiles.client.getUser({ userId }, service)).user;

  it('projects user.registered from the event alone, at its occurred_at (auth is not asked)', async () => {
    // A user auth has never heard of: a handler that asked auth would find nothing to project.
    const userId = '0196b6c8-0000-7000-8000-00000000e001';
    const registeredAt = new Date('2026-11-20T10:00:00.123Z');
    await deliver('user.registered', { user_id: userId, email: 'event-only@example.com', display_name: 'Event Only' }, registeredAt);
    expect(await view(userId)).toMatchObject({
      userId,
      email: 'event-only@example.com',
      displayName: 'Event Only',
      wallets: [],
      createdAt: registeredAt.toISOString(),
      updatedAt: registeredAt.toISOString(),
    });
  });

  it('shows the very times of the register response once the sign-up is projected', async () => {
    const { userId, createdAt, updatedAt } = await projectedUser('times');
    expect(await view(userId)).toMatchObject({ createdAt, updatedAt });
  });

  it('appends linked wallets in link order, once each, whatever is delivered again', async () => {
    const { userId } = await projectedUser('wallets');
    await deliver('user.wallet_linked', { user_id: userId, ...walletA });
    await deliver('user.wallet_linked', { user_id: userId, ...walletB });
    // The same link again under another event id (a republish), once in another letter case.
    await deliver('user.wallet_linked', { user_id: userId, ...walletA });
    await deliver('user.wallet_linked', { user_id: userId, address: walletA.address.toUpperCase().replace('0X', '0x'), chain_id: 1 });
    expect((await view(userId))?.wallets).toEqual([
      { address: walletA.address, chainId: 1 },
      { address: walletB.address, chainId: 137 },
    ]);
  });

  it('makes a linked wallet the latest change of the user', async () => {
    const { userId, updatedAt } = await projectedUser('wallet-time');
    const linkedAt = new Date(Date.parse(updatedAt) + 60_000);
    await deliver('user.wallet_linked', { user_id: userId, ...walletA, address: walletA.address.replace('aa', 'a1') }, linkedAt);
    expect(await view(userId)).toMatchObject({ updatedAt: linkedAt.toISOString() });
  });

  it('projects a wallet linked before the account row exists, reading the account from auth first', async () => {
    const { userId, createdAt } = await projectedUser('wallet-first');
    await db.query('delete from profile_data.profiles where user_id = $1', [userId]);
    await deliver('user.wallet_linked', { user_id: userId, ...walletB, address: walletB.address.replace('bb', 'b1') });
    expect(await view(userId)).toMatchObject({ createdAt, wallets: [{ address: walletB.address.replace('bb', 'b1'), chainId: 137 }] });
  });

  it('moves updated_at forward on a password change, never back', async () => {
    const { userId, createdAt, updatedAt } = await projectedUser('password');
    const changedAt = new Date(Date.parse(updatedAt) + 120_000);
    await deliver('user.password_changed', { user_id: userId }, changedAt);
    // An older event delivered late changes nothing.
    await deliver('user.password_changed', { user_id: userId }, new Date(Date.parse(updatedAt) + 1_000));
    expect(await view(userId)).toMatchObject({ createdAt, updatedAt: changedAt.toISOString() });
  });
});
