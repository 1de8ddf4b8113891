import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnvironment } from '#libs/testing';
import { startAuthHarness, type AuthHarness } from '../support/auth-harness.ts';
import { startProfileDataHarness, type ProfileDataHarness } from '../support/profile-data-harness.ts';
import { uniqueEmail } from '../support/service-env.ts';

const password = 'violet-anvil-73-harbor';

describe('user.registered: auth outbox → JetStream → profile-data', () => {
  let auth: AuthHarness;
  let profiles: ProfileDataHarness;
  let db: pg.Client;

  beforeAll(async () => {
    auth = await startAuthHarness();
    profiles = await startProfileDataHarness(`127.0.0.1:${auth.service.port}`);
    db = new pg.Client({ connectionString: testEnvironment().databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await profiles.stop();
    await auth.stop();
  });

  async function profileRow(userId: string) {
    const { rows } = await db.query<{ display_name: string }>('select display_name from profile_data.profiles where user_id = $1', [userId]);
    return rows[0];
  }

  it('projects the profile from the event alone, with the event id as Nats-Msg-Id', async () => {
    const { user } = await auth.client.register({ email: uniqueEmail('flow'), password, displayName: 'Event Ada' }, auth.anonymous());
    const userId = user?.id ?? '';
    // No GetProfile call: only the event can have created this row.
    await expect.poll(() => profileRow(userId), { timeout: 10_000, interval: 100 }).toEqual({ display_name: 'Event Ada' });

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
      const { profile } = await isolated.client.getProfile({ userId: user?.id ?? '' }, { principal });
      expect(profile).toMatchObject({ userId: user?.id, displayName: 'Instant' });
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
    const { profile } = await profiles.client.updateProfile({ userId, displayName: 'New Name', avatarUrl: 'https://cdn.example.com/a.png', clearAvatarUrl: false }, { principal });
    expect(profile).toMatchObject({ displayName: 'New Name', avatarUrl: 'https://cdn.example.com/a.png' });
    await expect(profiles.client.updateProfile({ userId, avatarUrl: 'http://insecure.example.com/a.png', clearAvatarUrl: false }, { principal })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(profiles.client.updateProfile({ userId, displayName: ' ', clearAvatarUrl: false }, { principal })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    const stranger = { kind: 'user', userId: '0190f0f0-0000-7000-8000-000000000000', sessionId: 's', tokenType: 'access' } as const;
    await expect(profiles.client.updateProfile({ userId, displayName: 'Hijack', clearAvatarUrl: false }, { principal: stranger })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const { rows } = await db.query("select count(*)::int as n from profile_data.outbox_events where subject = $1 and type = 'user.updated'", [userId]);
    expect(rows[0]).toEqual({ n: 1 });
  });
});
