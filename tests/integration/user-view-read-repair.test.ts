import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthHarness } from '../support/auth-harness.ts';
import type { ProfileDataHarness } from '../support/profile-data-harness.ts';
import { startUserServices, type UserServices } from '../support/user-services.ts';
import { uniqueEmail } from '../support/service-env.ts';

const password = 'violet-anvil-73-harbor';
const service = { principal: { kind: 'service', service: 'test' } } as const;
const asUser = (userId: string) => ({ principal: { kind: 'user', userId, sessionId: 's', tokenType: 'access' } as const });

describe('the user view read-repaired from auth (profile-data GetUser)', () => {
  let services: UserServices;
  let auth: AuthHarness;
  let profiles: ProfileDataHarness;
  let db: pg.Client;

  beforeAll(async () => {
    services = await startUserServices();
    ({ auth, profiles, db } = services);
  });
  afterAll(async () => {
    await services.stop();
  });

  const emailColumn = async (userId: string) =>
    (await db.query<{ email: string | null }>('select email from profile_data.profiles where user_id = $1', [userId])).rows[0]?.email;

  /** A registered user whose sign-up event has been projected, so nothing races the test's own changes. */
  async function projectedUser(label: string) {
    const { user } = await auth.client.register({ email: uniqueEmail(label), password, displayName: 'Repair Me' }, auth.anonymous());
    if (!user) throw new Error('no user');
    await expect.poll(() => emailColumn(user.id), { timeout: 10_000, interval: 50 }).toBe(user.email);
    return user;
  }

  it('rebuilds a missing row from auth, then answers from it', async () => {
    const user = await projectedUser('missing');
    await db.query('delete from profile_data.profiles where user_id = $1', [user.id]);
    const expected = { userId: user.id, email: user.email, displayName: 'Repair Me', wallets: [], createdAt: user.createdAt, updatedAt: user.updatedAt };
    expect((await profiles.client.getUser({ userId: user.id }, asUser(user.id))).user).toEqual(expected);
    expect(await emailColumn(user.id)).toBe(user.email);
  });

  it('fills in a row from before the projection (no email), keeping the profile the user edited', async () => {
    const user = await projectedUser('pre-migration');
    const editedAt = new Date(Date.parse(user.updatedAt) + 60_000);
    // As the first migration left rows: the profile alone, here edited once.
    await db.query(
      `update profile_data.profiles set email = null, wallets = '[]', account_created_at = null, account_updated_at = null,
              display_name = 'Edited Before', avatar_url = 'https://img.example/e.png', updated_at = $2 where user_id = $1`,
      [user.id, editedAt],
    );
    const { user: view } = await profiles.client.getUser({ userId: user.id }, asUser(user.id));
    expect(view).toEqual({
      userId: user.id,
      email: user.email,
      displayName: 'Edited Before',
      avatarUrl: 'https://img.example/e.png',
      wallets: [],
      createdAt: user.createdAt,
      updatedAt: editedAt.toISOString(),
    });
    expect(await emailColumn(user.id)).toBe(user.email);
  });

  it('repairs before an edit too, so PUT answers the whole user', async () => {
    const user = await projectedUser('edit-repair');
    await db.query('delete from profile_data.profiles where user_id = $1', [user.id]);
    const { user: view } = await profiles.client.updateProfile({ userId: user.id, displayName: 'After Repair', clearAvatarUrl: false }, asUser(user.id));
    expect(view).toMatchObject({ email: user.email, displayName: 'After Repair', createdAt: user.createdAt });
  });

  it('answers NOT_FOUND for an account auth does not know, and writes nothing', async () => {
    const unknown = '0190f0f0-0000-7000-8000-00000000dead';
    await expect(profiles.client.getUser({ userId: unknown }, service)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(profiles.client.getUser({ userId: 'not-a-uuid' }, service)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await emailColumn(unknown)).toBeUndefined();
  });

  it('lets a user read only their own view; an internal service reads any', async () => {
    const user = await projectedUser('authz');
    const stranger = asUser('0190f0f0-0000-7000-8000-000000000000');
    await expect(profiles.client.getUser({ userId: user.id }, stranger)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await profiles.client.getUser({ userId: user.id }, service)).user).toMatchObject({ userId: user.id, email: user.email });
  });
});
