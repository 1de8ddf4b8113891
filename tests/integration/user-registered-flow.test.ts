import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnvironment } from '#libs/testing';
import type { AuthHarness } from '../support/auth-harness.ts';
import { startProfileDataHarness, type ProfileDataHarness } from '../support/profile-data-harness.ts';
import { startUserServices, type UserServices } from '../support/user-services.ts';
import { uniqueEmail } from '../support/service-env.ts';

const password = 'violet-anvil-73-harbor';

describe('user.registered: auth outbox → JetStream → profile-data', () => {
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

  async function profileRow(userId: string) {
    const { rows } = await db.query<{ display_name: string }>('select display_name from profile_data.profiles where user_id = $1', [userId]);
    return rows[0];
  }

  async function accountColumns(userId: string) {
    const { rows } = await db.query<{ email: string | null; wallets: unknown; account_created_at: Date | null; account_updated_at: Date | null }>(
      'select email, wallets, account_created_at, account_updated_at from profile_data.profiles where user_id = $1',
      [userId],
    );
    const row = rows[0];
    return row && { ...row, account_created_at: row.account_created_at?.toISOString(), account_updated_at: row.account_updated_at?.toISOString() };
  }

  it('projects the user from the event alone, with the event id as Nats-Msg-Id', async () => {
    const email = uniqueEmail('flow');
    const { user } = await auth.client.register({ email, password, displayName: 'Event Ada' }, auth.anonymous());
    const userId = user?.id ?? '';
    // No GetUser call: only the event can have created this row.
    await expect.poll(() => profileRow(userId), { timeout: 10_000, interval: 100 }).toEqual({ display_name: 'Event Ada' });
    // The account beside the profile, with the very times the sign-up answered.
    expect(await accountColumns(userId)).toEqual({ email, wallets: [], account_created_at: user?.createdAt, account_updated_at: user?.updatedAt });

    const { rows } = await db.query<{ id: string; published_at: Date | null }>("select id, published_at from auth.outbox_events where subject = $1 and type = 'user.registered'", [userId]);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.published_at).not.toBeNull();

    const environment = testEnvironment();
    const nc = await connect({ servers: environment.natsUrl });
    try {
      const message = await (await jetstreamManager(nc)).streams.getMessage(environment.eventsStream, { last_by_subj: `${environment.eventsSubjectPrefix}.user.registered` });
      expect(message?.header?.get('Nats-Msg-Id')).toBeTruthy();
      const envelope = message?.json<{ id: string; type: string; data: { user_id: string } }>();
      expect(envelope?.id).toBe(message?.header?.get('Nats-Msg-Id'));
      expect(envelope?.type).toBe('user.registered');
    } finally {
      await nc.close();
    }
  });

  it('reads the profile immediately after registration, whatever the event timing', async () => {
    // A profile-data replica whose consumer listens on another stream never sees the event.
    const isolated = await startProfileDataHarness(`127.0.0.1:${auth.service.port}`, { EVENTS_STREAM: `${testEnvironment().eventsStream}_DEAF`, EVENTS_SUBJECT_PREFIX: `${testEnvironment().eventsSubjectPrefix}deaf` });
    try {
      const { user } = await auth.client.register({ email: uniqueEmail('ryw'), password, displayName: 'Instant' }, auth.anonymous());
      const principal = { kind: 'user', userId: user?.id ?? '', sessionId: 's', tokenType: 'access' } as const;
      const { user: view } = await isolated.client.getUser({ userId: user?.id ?? '' }, { principal });
      // Exactly what the sign-up answered: the account is read from auth (read-your-writes).
      expect(view).toEqual({ userId: user?.id, email: user?.email, displayName: 'Instant', wallets: [], createdAt: user?.createdAt, updatedAt: user?.updatedAt });
      // When the event does arrive (main replica), it is a no-op: still exactly one row.
      await expect.poll(() => profileRow(user?.id ?? ''), { timeout: 10_000 }).toEqual({ display_name: 'Instant' });
    } finally {
      await isolated.stop();
    }
  });

  it('lets a user edit only their own profile, validated, and emits user.updated', async () => {
    const { user } = await auth.client.register({ email: uniqueEmail('edit'), password }, auth.anonymous());
    const userId = user?.id ?? '';
    const principal = { kind: 'user', userId, sessionId: 's', tokenType: 'access' } as const;
    const { user: view } = await profiles.client.updateProfile({ userId, displayName: 'New Name', avatarUrl: 'https://cdn.example.com/a.png', clearAvatarUrl: false }, { principal });
    // The whole user comes back, the edit being its latest change.
    expect(view).toMatchObject({ userId, email: user?.email, displayName: 'New Name', avatarUrl: 'https://cdn.example.com/a.png', wallets: [], createdAt: user?.createdAt });
    expect(Date.parse(view?.updatedAt ?? '')).toBeGreaterThan(Date.parse(user?.updatedAt ?? ''));
    expect((await profiles.client.getUser({ userId }, { principal })).user).toEqual(view);
    await expect(profiles.client.updateProfile({ userId, avatarUrl: 'http://insecure.example.com/a.png', clearAvatarUrl: false }, { principal })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(profiles.client.updateProfile({ userId, displayName: ' ', clearAvatarUrl: false }, { principal })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    const stranger = { kind: 'user', userId: '0190f0f0-0000-7000-8000-000000000000', sessionId: 's', tokenType: 'access' } as const;
    await expect(profiles.client.updateProfile({ userId, displayName: 'Hijack', clearAvatarUrl: false }, { principal: stranger })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const { rows } = await db.query("select payload -> 'data' as data from profile_data.outbox_events where subject = $1 and type = 'user.updated'", [userId]);
    // The changed fields and the profile's new change time, which orders edits for auth's copy.
    expect(rows).toEqual([{ data: { user_id: userId, display_name: 'New Name', avatar_url: 'https://cdn.example.com/a.png', updated_at: view?.updatedAt } }]);
    // Through the relay and NATS, auth's copy catches up: a sign-in shows the edit.
    const signedIn = async () => (await auth.client.login({ email: user?.email ?? '', password }, auth.anonymous('198.51.100.31'))).user;
    await expect.poll(signedIn, { timeout: 10_000, interval: 100 }).toMatchObject({ displayName: 'New Name', avatarUrl: 'https://cdn.example.com/a.png', updatedAt: view?.updatedAt });
  });
});
