import { decodeJwt } from 'jose';
import pg from 'pg';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '#libs/identity';
import { SessionRevocationList } from '#libs/session-revocation';
import { startAuthHarness, type AuthHarness } from '../support/auth-harness.ts';
import { uniqueEmail } from '../support/service-env.ts';

const password = 'violet-anvil-73-harbor';

describe('a user listing and ending their own sessions (real Postgres, Redis)', () => {
  let sut: AuthHarness;
  let redis: ReturnType<typeof createClient>;
  let revocations: SessionRevocationList;

  beforeAll(async () => {
    sut = await startAuthHarness();
    redis = createClient({ url: sut.config.REDIS_URL });
    await redis.connect();
    revocations = new SessionRevocationList(redis, sut.config.REDIS_KEY_PREFIX, sut.config.ACCESS_TOKEN_TTL_SECONDS);
  });
  afterAll(async () => {
    redis.destroy();
    await sut.stop();
  });

  /** A signed-in session: its id, refresh token and the principal its access token makes. */
  function asSession(userId: string, tokens: { accessToken: string; refreshToken: string } | undefined) {
    const sessionId = String(decodeJwt(tokens!.accessToken).sid);
    const principal: Principal = { kind: 'user', userId, sessionId, tokenType: 'access', ip: '192.0.2.44' };
    return { sessionId, refreshToken: tokens!.refreshToken, call: { principal } };
  }

  /** One account signed in three times (oldest first). */
  async function threeSessions() {
    const email = uniqueEmail('sessions');
    const registered = await sut.client.register({ email, password }, sut.anonymous());
    const userId = registered.user!.id;
    const second = await sut.client.login({ email, password }, sut.anonymous());
    const third = await sut.client.login({ email, password }, sut.anonymous());
    return { userId, sessions: [asSession(userId, registered.tokens), asSession(userId, second.tokens), asSession(userId, third.tokens)] };
  }

  it('lists the open sessions newest first, marking the current one, with their last refresh', async () => {
    const { sessions } = await threeSessions();
    const [first, second, third] = sessions;
    await sut.client.refresh({ refreshToken: first!.refreshToken }, sut.anonymous());
    await sut.client.logout({ refreshToken: second!.refreshToken }, second!.call);

    const { sessions: listed } = await sut.client.listSessions({}, third!.call);
    expect(listed.map((session) => [session.id, session.current])).toEqual([
      [third!.sessionId, true],
      [first!.sessionId, false],
    ]);
    const refreshed = listed[1]!;
    expect(refreshed.amr).toEqual(['pwd']);
    expect(Date.parse(refreshed.lastActiveAt)).toBeGreaterThan(Date.parse(refreshed.createdAt));
    expect(Date.parse(refreshed.expiresAt)).toBeGreaterThan(Date.now());
    expect(listed[0]!.lastActiveAt).toBe(listed[0]!.createdAt);
  });

  it('ends the sessions named, after the password; never another user\'s', async () => {
    const { sessions } = await threeSessions();
    const [first, second, third] = sessions;
    const stranger = (await threeSessions()).sessions[0]!;

    const { revokedSessionIds } = await sut.client.revokeSessions(
      { currentPassword: password, sessionIds: [first!.sessionId, stranger.sessionId], allOthers: false },
      third!.call,
    );
    expect(revokedSessionIds).toEqual([first!.sessionId]);
    await expect(revocations.isRevoked(first!.sessionId)).resolves.toBe(true);
    await expect(sut.client.refresh({ refreshToken: first!.refreshToken }, sut.anonymous())).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    // The stranger's session and the owner's other ones are untouched.
    await expect(revocations.isRevoked(stranger.sessionId)).resolves.toBe(false);
    await expect(sut.client.refresh({ refreshToken: stranger.refreshToken }, sut.anonymous())).resolves.toBeDefined();
    await expect(sut.client.refresh({ refreshToken: second!.refreshToken }, sut.anonymous())).resolves.toBeDefined();
  });

  it('skips a named session that has already expired: it is not open, so nothing ends', async () => {
    const { sessions } = await threeSessions();
    const [first, , third] = sessions;
    const db = new pg.Client({ connectionString: sut.config.DATABASE_URL });
    await db.connect();
    try {
      await db.query(`update auth.sessions set expires_at = now() - interval '1 minute' where id = $1`, [first!.sessionId]);
    } finally {
      await db.end();
    }
    const { revokedSessionIds } = await sut.client.revokeSessions({ currentPassword: password, sessionIds: [first!.sessionId], allOthers: false }, third!.call);
    expect(revokedSessionIds).toEqual([]);
    const { revokedSessionIds: others } = await sut.client.revokeSessions({ currentPassword: password, sessionIds: [], allOthers: true }, third!.call);
    expect(others).toEqual([sessions[1]!.sessionId]);
  });

  it('ends every other session with all_others, keeping the current one', async () => {
    const { sessions } = await threeSessions();
    const [first, second, third] = sessions;
    const { revokedSessionIds } = await sut.client.revokeSessions({ currentPassword: password, sessionIds: [], allOthers: true }, second!.call);
    expect([...revokedSessionIds].sort()).toEqual([first!.sessionId, third!.sessionId].sort());
    const { sessions: listed } = await sut.client.listSessions({}, second!.call);
    expect(listed.map((session) => session.id)).toEqual([second!.sessionId]);
    await expect(revocations.isRevoked(second!.sessionId)).resolves.toBe(false);
  });

  it('refuses a wrong password (400 on current_password) and ends nothing; then the brute-force limit', async () => {
    const { sessions } = await threeSessions();
    const [first, , third] = sessions;
    const attempt = () => sut.client.revokeSessions({ currentPassword: 'not-the-password-1', sessionIds: [first!.sessionId], allOthers: false }, third!.call);
    await expect(attempt()).rejects.toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ field: 'current_password', message: 'is incorrect' }] });
    await expect(revocations.isRevoked(first!.sessionId)).resolves.toBe(false);
    for (let tried = 1; tried < sut.config.LOGIN_MAX_ATTEMPTS_PER_ACCOUNT_IP; tried += 1) await expect(attempt()).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(attempt()).rejects.toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('always lists the caller\'s own session, even behind a hundred newer ones', async () => {
    const email = uniqueEmail('many-sessions');
    const registered = await sut.client.register({ email, password }, sut.anonymous());
    const oldest = asSession(registered.user!.id, registered.tokens);
    const db = new pg.Client({ connectionString: sut.config.DATABASE_URL });
    await db.connect();
    try {
      // A hundred sign-ins since, as rows: the listing shows at most a hundred sessions.
      await db.query(
        `insert into auth.sessions (id, user_id, amr, created_at, expires_at)
         select gen_random_uuid(), $1, '{pwd}', now() + n * interval '1 millisecond', now() + interval '1 day' from generate_series(1, 100) n`,
        [registered.user!.id],
      );
    } finally {
      await db.end();
    }
    const { sessions: listed } = await sut.client.listSessions({}, oldest.call);
    expect(listed).toHaveLength(100);
    expect(listed.at(-1)).toMatchObject({ id: oldest.sessionId, current: true });
    const created = listed.map((session) => Date.parse(session.createdAt));
    expect(created).toEqual([...created].sort((a, b) => b - a));
  });

  it('counts wrong passwords here and at sign-in together: no second allowance for a stolen token', async () => {
    const email = uniqueEmail('shared-limit');
    const registered = await sut.client.register({ email, password }, sut.anonymous());
    const session = asSession(registered.user!.id, registered.tokens);
    // The same address as the session's principal: the per-account+address limit applies to both.
    const wrongSignIn = () => sut.client.login({ email, password: 'not-the-password-2' }, sut.anonymous('192.0.2.44')).catch((error: unknown) => error);
    for (let tried = 0; tried < sut.config.LOGIN_MAX_ATTEMPTS_PER_ACCOUNT_IP; tried += 1) await expect(wrongSignIn()).resolves.toMatchObject({ code: 'UNAUTHENTICATED' });
    const recheck = sut.client.revokeSessions({ currentPassword: password, sessionIds: [], allOthers: true }, session.call);
    await expect(recheck).rejects.toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('needs exactly one target, as UUIDs, and the user\'s own access token', async () => {
    const { sessions } = await threeSessions();
    const { call } = sessions[0]!;
    const revoke = (sessionIds: string[], allOthers: boolean) => sut.client.revokeSessions({ currentPassword: password, sessionIds, allOthers }, call);
    await expect(revoke([], false)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(revoke([sessions[1]!.sessionId], true)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(revoke(['not-a-uuid'], false)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    const asService = { ...call.principal, tokenType: 'service' } as Principal;
    await expect(sut.client.listSessions({}, { principal: asService })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(sut.client.listSessions({}, sut.anonymous())).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});
