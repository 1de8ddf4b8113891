import { decodeJwt } from 'jose';
import pg from 'pg';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionRevocationList } from '#libs/session-revocation';
import { LogCapture, testEnvironment } from '#libs/testing';
import type { AuthHarness } from '../support/auth-harness.ts';
import { startAuthWithOrg, type AuthWithOrg } from '../support/auth-with-org.ts';
import { uniqueEmail } from '../support/service-env.ts';
import { TcpProxy } from '../support/tcp-proxy.ts';

const password = 'violet-anvil-73-harbor';

/*
 * Ending sessions and changing a password stay consistent under failure and concurrency:
 * Postgres and the revocation list the gateways read never disagree about an ended session,
 * and a request whose ground moved while it ran changes nothing.
 */
describe('sessions and passwords under failure and races (real Postgres, Redis)', () => {
  let services: AuthWithOrg;
  let sut: AuthHarness;
  let redisProxy: TcpProxy;
  let db: pg.Client;
  let redis: ReturnType<typeof createClient>;
  let revocations: SessionRevocationList;
  const logs = new LogCapture();

  beforeAll(async () => {
    redisProxy = new TcpProxy(testEnvironment().redisUrl);
    const address = await redisProxy.start();
    services = await startAuthWithOrg({ REDIS_URL: `redis://${address}` }, logs);
    sut = services.auth;
    db = new pg.Client({ connectionString: testEnvironment().databaseUrl });
    await db.connect();
    redis = createClient({ url: testEnvironment().redisUrl });
    await redis.connect();
    revocations = new SessionRevocationList(redis, sut.config.REDIS_KEY_PREFIX, sut.config.ACCESS_TOKEN_TTL_SECONDS);
  });
  afterAll(async () => {
    redisProxy.restore();
    redis.destroy();
    await db.end();
    await services.stop();
    await redisProxy.stop();
  });

  async function signIn(email: string, pw = password) {
    const { user, tokens } = await sut.client.login({ email, password: pw }, sut.anonymous());
    const sessionId = String(decodeJwt(tokens?.accessToken ?? '').sid);
    const principal = { kind: 'user', userId: user?.id ?? '', sessionId, tokenType: 'access', ip: '192.0.2.40' } as const;
    return { principal, refreshToken: tokens?.refreshToken ?? '' };
  }
  async function newAccount(label: string) {
    const email = uniqueEmail(label);
    await sut.client.register({ email, password }, sut.anonymous());
    return email;
  }
  const revokedAt = async (sessionId: string) =>
    (await db.query<{ revoked_at: Date | null }>('select revoked_at from auth.sessions where id = $1', [sessionId])).rows[0]?.revoked_at;

  it('a logout Redis cannot record changes nothing, and succeeds once Redis is back', async () => {
    const { principal, refreshToken } = await signIn(await newAccount('logout-down'));
    redisProxy.cut();
    try {
      await expect(sut.client.logout({ refreshToken }, { principal })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    } finally {
      redisProxy.restore();
    }
    // Not ended in Postgres while the gateways would still accept its tokens: not ended at all.
    expect(await revokedAt(principal.sessionId)).toBeNull();
    expect(await revocations.isRevoked(principal.sessionId)).toBe(false);
    await expect.poll(() => sut.client.logout({ refreshToken }, { principal }).then(() => 'done', (error: { code: string }) => error.code), { timeout: 10_000, interval: 250 }).toBe('done');
    expect(await revokedAt(principal.sessionId)).toBeInstanceOf(Date);
    expect(await revocations.isRevoked(principal.sessionId)).toBe(true);
  });

  it('of two password changes racing from the same password, exactly one takes effect', async () => {
    const email = await newAccount('change-race');
    const [first, second] = [await signIn(email), await signIn(email)];
    const candidates = ['copper-lantern-58-meadow', 'silver-compass-91-harbor'] as const;
    // Both get past their password checks while the account row is held, so they truly race.
    const holder = new pg.Client({ connectionString: testEnvironment().databaseUrl });
    await holder.connect();
    await holder.query('begin');
    await holder.query('select 1 from auth.users where id = $1 for update', [first.principal.userId]);
    const changes = Promise.allSettled([
      sut.client.changePassword({ currentPassword: password, newPassword: candidates[0] }, { principal: first.principal }),
      sut.client.changePassword({ currentPassword: password, newPassword: candidates[1] }, { principal: second.principal }),
    ]);
    const waitingUpdates = async () =>
      Number((await db.query<{ n: string }>(`select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query ilike 'update "auth"."users"%'`)).rows[0]!.n);
    await expect.poll(waitingUpdates, { timeout: 10_000, interval: 50 }).toBe(2);
    await holder.query('commit');
    await holder.end();
    const outcomes = await changes;
    const won = outcomes.flatMap((outcome, index) => (outcome.status === 'fulfilled' ? [index] : []));
    expect(won).toHaveLength(1);
    const winner = won[0]!;
    const lost = outcomes[1 - winner] as PromiseRejectedResult;
    expect(lost.reason).toMatchObject({ code: 'CONFLICT' });
    // The password is the winner's, and the loser's session is over.
    await expect(signIn(email, candidates[winner])).resolves.toBeDefined();
    await expect(signIn(email, candidates[1 - winner])).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    const loserSession = [first, second][1 - winner]!.principal.sessionId;
    expect(await revokedAt(loserSession)).toBeInstanceOf(Date);
    expect(await revocations.isRevoked(loserSession)).toBe(true);
  });

  it('reports a replayed refresh token even when the session cannot be ended (Redis down), and ends it once Redis is back', async () => {
    const { principal, refreshToken } = await signIn(await newAccount('replay-down'));
    await sut.client.refresh({ refreshToken }, sut.anonymous());
    redisProxy.cut();
    try {
      await expect(sut.client.refresh({ refreshToken }, sut.anonymous())).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    } finally {
      redisProxy.restore();
    }
    expect(logs.events('session.refresh_token_reused')).toContainEqual(expect.objectContaining({ session_id: principal.sessionId, session_ended: 'no' }));
    expect(await revokedAt(principal.sessionId)).toBeNull();
    await expect
      .poll(() => sut.client.refresh({ refreshToken }, sut.anonymous()).then(() => 'refreshed', (error: { code: string }) => error.code), { timeout: 10_000, interval: 250 })
      .toBe('UNAUTHENTICATED');
    expect(await revocations.isRevoked(principal.sessionId)).toBe(true);
  });

  it('a password change from a session ended meanwhile changes nothing', async () => {
    const email = await newAccount('ended-session');
    const ended = await signIn(email);
    const other = await signIn(email);
    await sut.client.logout({ refreshToken: ended.refreshToken }, { principal: ended.principal });
    // Its access token still unexpired, the ended session cannot change the password...
    await expect(sut.client.changePassword({ currentPassword: password, newPassword: 'copper-lantern-58-meadow' }, { principal: ended.principal })).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    // ...nor end the user's other sessions.
    await expect(sut.client.revokeSessions({ currentPassword: password, sessionIds: [], allOthers: true }, { principal: ended.principal })).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    expect(await revokedAt(other.principal.sessionId)).toBeNull();
    await expect(signIn(email)).resolves.toBeDefined();
  });
});
