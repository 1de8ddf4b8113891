import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventData } from '#libs/events';
import { testEnvironment } from '#libs/testing';
import { AccountEventPublisher, processedByAuth } from '../support/account-events.ts';
import { startAuthHarness, type AuthHarness } from '../support/auth-harness.ts';
import { uniqueEmail } from '../support/service-env.ts';

const password = 'violet-anvil-73-harbor';
const minutesAfter = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();

describe("auth's copy of the profile (user.updated from profile-data, real Postgres and NATS)", () => {
  let sut: AuthHarness;
  let events: AccountEventPublisher;
  let db: pg.Client;

  beforeAll(async () => {
    sut = await startAuthHarness();
    events = await AccountEventPublisher.connect();
    db = new pg.Client({ connectionString: testEnvironment().databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await events.close();
    await sut.stop();
  });

  const register = async (label: string) => {
    const email = uniqueEmail(label);
    const { user } = await sut.client.register({ email, password, displayName: 'At Sign-up' }, sut.anonymous());
    if (!user) throw new Error('no user');
    return user;
  };
  const signedIn = async (email: string) => (await sut.client.login({ email, password }, sut.anonymous('198.51.100.20'))).user;

  /** Publishes a profile edit and waits until auth's consumer has committed it. */
  async function deliver(data: EventData<'user.updated'>, occurredAt?: Date, source?: string) {
    const id = await events.publish('user.updated', data, occurredAt, source);
    await expect.poll(() => processedByAuth(db, id), { timeout: 10_000, interval: 50 }).toBe(true);
  }

  it('signs in with the edited name and avatar, updated_at the edit time', async () => {
    const user = await register('copy-edit');
    const editedAt = minutesAfter(user.updatedAt, 1);
    await deliver({ user_id: user.id, display_name: 'Edited', avatar_url: 'https://img.example/e.png', updated_at: editedAt });
    expect(await signedIn(user.email)).toEqual({ ...user, displayName: 'Edited', avatarUrl: 'https://img.example/e.png', updatedAt: editedAt });
  });

  it('keeps each field at its latest edit, whatever order the events arrive in', async () => {
    const user = await register('copy-order');
    const first = minutesAfter(user.updatedAt, 1);
    const second = minutesAfter(user.updatedAt, 2);
    const third = minutesAfter(user.updatedAt, 3);
    // The avatar's latest edit arrives first; an older edit of both fields arrives after it.
    await deliver({ user_id: user.id, avatar_url: 'https://img.example/third.png', updated_at: third });
    await deliver({ user_id: user.id, display_name: 'Second', avatar_url: 'https://img.example/second.png', updated_at: second });
    expect(await signedIn(user.email)).toMatchObject({ displayName: 'Second', avatarUrl: 'https://img.example/third.png', updatedAt: third });

    // An even older edit, and the same edit recorded again, change nothing.
    await deliver({ user_id: user.id, display_name: 'First', updated_at: first });
    await deliver({ user_id: user.id, display_name: 'Second again', updated_at: second });
    expect(await signedIn(user.email)).toMatchObject({ displayName: 'Second', avatarUrl: 'https://img.example/third.png', updatedAt: third });
  });

  it('removes the avatar on a null and leaves the name alone when only the avatar changed', async () => {
    const user = await register('copy-clear');
    await deliver({ user_id: user.id, display_name: 'Named', avatar_url: 'https://img.example/n.png', updated_at: minutesAfter(user.updatedAt, 1) });
    const clearedAt = minutesAfter(user.updatedAt, 2);
    await deliver({ user_id: user.id, avatar_url: null, updated_at: clearedAt });
    const shown = await signedIn(user.email);
    expect(shown).toMatchObject({ displayName: 'Named', updatedAt: clearedAt });
    expect(shown?.avatarUrl).toBeUndefined();
  });

  it("orders an event without updated_at (recorded before the field existed) by its occurred_at", async () => {
    const user = await register('copy-legacy');
    const occurredAt = new Date(minutesAfter(user.updatedAt, 5));
    await deliver({ user_id: user.id, display_name: 'Legacy' }, occurredAt);
    expect(await signedIn(user.email)).toMatchObject({ displayName: 'Legacy', updatedAt: occurredAt.toISOString() });
    await deliver({ user_id: user.id, display_name: 'Older' }, new Date(minutesAfter(user.updatedAt, 4)));
    expect(await signedIn(user.email)).toMatchObject({ displayName: 'Legacy' });
  });

  it('ignores a profile edit announced by any service but profile-data', async () => {
    const user = await register('copy-source');
    await deliver({ user_id: user.id, display_name: 'Impostor', updated_at: minutesAfter(user.updatedAt, 1) }, undefined, 'org');
    expect(await signedIn(user.email)).toMatchObject({ displayName: 'At Sign-up', updatedAt: user.updatedAt });
  });

  it('acknowledges an edit of an account auth does not have, changing nothing', async () => {
    await deliver({ user_id: '0196b6c8-0000-7000-8000-00000000c0de', display_name: 'Nobody', updated_at: new Date().toISOString() });
  });

  it('answers GetUser with the copy too, so a profile projected from auth starts from the edit', async () => {
    const user = await register('copy-getuser');
    const editedAt = minutesAfter(user.updatedAt, 1);
    await deliver({ user_id: user.id, display_name: 'Via GetUser', updated_at: editedAt });
    const service = { principal: { kind: 'service', service: 'profile-data' } } as const;
    expect((await sut.client.getUser({ userId: user.id }, service)).user).toMatchObject({ displayName: 'Via GetUser', updatedAt: editedAt });
  });
});
