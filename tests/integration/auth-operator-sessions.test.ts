import { decodeJwt } from 'jose';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '#libs/db';
import { SessionRevocationList } from '#libs/session-revocation';
import { databaseUrlFor, LogCapture, quoteIdentifier, testEnvironment, withAdminConnection } from '#libs/testing';
import { startAuthHarness, type AuthHarness } from '../support/auth-harness.ts';
import { uniqueEmail } from '../support/service-env.ts';

const password = 'violet-anvil-73-harbor';
const operator = { principal: { kind: 'service', service: 'operator' } } as const;

/*
 * "Every user's sessions" would end the other test files' sessions in the run's shared
 * database, so this file has a database of its own, dropped at the end.
 */
describe('operators end sessions (real Postgres, Redis)', () => {
  const database = `${new URL(testEnvironment().databaseUrl).pathname.slice(1)}_ops_${randomBytes(3).toString('hex')}`;
  const logs = new LogCapture();
  let sut: AuthHarness;
  let db: pg.Client;
  let redis: ReturnType<typeof createClient>;
  let revocations: SessionRevocationList;

  beforeAll(async () => {
    await withAdminConnection(testEnvironment().databaseUrl, (query) => query(`create database ${quoteIdentifier(database)}`));
    const databaseUrl = databaseUrlFor(testEnvironment().databaseUrl, database);
    sut = await startAuthHarness({ DATABASE_URL: databaseUrl }, logs);
    db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    redis = createClient({ url: testEnvironment().redisUrl });
    await redis.connect();
    revocations = new SessionRevocationList(redis, sut.config.REDIS_KEY_PREFIX, sut.config.ACCESS_TOKEN_TTL_SECONDS);
  });
  afterAll(async () => {
    redis.destroy();
    await db.end();
    await sut.stop();
    await withAdminConnection(testEnvironment().databaseUrl, (query) => query(`drop database if exists ${quoteIdentifier(database)} with (force)`));
  });

  async function signedUp(label: string) {
    const email = uniqueEmail(label);
    const { user } = await sut.client.register({ email, password }, sut.anonymous());
    const signIn = async () => {
      const { tokens } = await sut.client.login({ email, password }, sut.anonymous());
      return { sessionId: String(decodeJwt(tokens?.accessToken ?? '').sid), refreshToken: tokens?.refreshToken ?? '' };
    };
    return { email, userId: user?.id ?? '', signIn };
  }
  const openSessions = async (userId?: string) =>
    Number((await db.query<{ n: string }>('select count(*) as n from auth.sessions where revoked_at is null and expires_at > now() and ($1::uuid is null or user_id = $1)', [userId ?? null])).rows[0]!.n);

  it("ends every open session of one user, and nobody else's", async () => {
    const target = await signedUp('target');
    const bystander = await signedUp('bystander');
    const [first, second] = [await target.signIn(), await target.signIn()];
    const untouched = await bystander.signIn();

    // Registration opened a session too: three in all.
    await expect(sut.client.endSessions({ userId: target.userId, allUsers: false }, operator)).resolves.toEqual({ endedSessions: 3 });
    expect(await openSessions(target.userId)).toBe(0);
    for (const { sessionId } of [first, second]) expect(await revocations.isRevoked(sessionId)).toBe(true);
    await expect(sut.client.refresh({ refreshToken: first.refreshToken }, sut.anonymous())).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await revocations.isRevoked(untouched.sessionId)).toBe(false);
    await expect(sut.client.refresh({ refreshToken: untouched.refreshToken }, sut.anonymous())).resolves.toBeDefined();
    // The user signs in again as usual; ending nothing twice is no error.
    await expect(target.signIn()).resolves.toBeDefined();
    expect(logs.events('session.ended_by_operator')).toContainEqual(
      expect.objectContaining({ scope: 'user', user_id: target.userId, ended_sessions: 3, operator: 'operator' }),
    );
  });

  it('refuses users, unknown accounts, and a request naming both targets or neither', async () => {
    const user = await signedUp('caller');
    const session = await user.signIn();
    const asUser = { principal: { kind: 'user', userId: user.userId, sessionId: session.sessionId, tokenType: 'access' } } as const;
    await expect(sut.client.endSessions({ userId: user.userId, allUsers: false }, asUser)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(sut.client.endSessions({ userId: uuidv7(), allUsers: false }, operator)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(sut.client.endSessions({ userId: 'not-a-uuid', allUsers: false }, operator)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(sut.client.endSessions({ userId: user.userId, allUsers: true }, operator)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(sut.client.endSessions({ userId: '', allUsers: false }, operator)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await revocations.isRevoked(session.sessionId)).toBe(false);
  });

  it('answers the operator in one line: what the service refused (exit 1), an argument that is no user id (exit 2)', async () => {
    const run = (...args: string[]) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const env = { ...process.env, AUTH_GRPC_ADDR: `127.0.0.1:${sut.service.port}`, INTERNAL_AUTH_SECRET: sut.config.INTERNAL_AUTH_SECRET };
        execFile(process.execPath, ['scripts/end-sessions/main.ts', ...args], { env }, (error, _stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stderr }));
      });
    await expect(run('--user', uuidv7())).resolves.toEqual({ code: 1, stderr: 'sessions:end: User not found. (NOT_FOUND)\n' });
    const notAnId = await run('--user', 'not-a-uuid');
    expect(notAnId.code).toBe(2);
    expect(notAnId.stderr).toMatch(/^"not-a-uuid" is not a user id \(a UUID\); usage: /);
  });

  it("ends every user's open sessions, batch after batch, and leaves expired ones alone", async () => {
    const many = await signedUp('many');
    const other = await signedUp('other');
    const otherSession = await other.signIn();
    // More sessions than one batch holds, written directly (signing in 1,200 times would take a minute).
    await db.query(
      `insert into auth.sessions (id, user_id, amr, created_at, expires_at)
       select gen_random_uuid(), $1, '{pwd}', now() - interval '1 minute', now() + interval '1 day' from generate_series(1, 1200)`,
      [many.userId],
    );
    const expired = uuidv7();
    await db.query(`insert into auth.sessions (id, user_id, amr, created_at, expires_at) values ($1, $2, '{pwd}', now() - interval '2 days', now() - interval '1 day')`, [expired, other.userId]);
    const open = await openSessions();

    await expect(sut.client.endSessions({ userId: '', allUsers: true }, operator)).resolves.toEqual({ endedSessions: open });
    expect(open).toBeGreaterThan(1200);
    expect(await openSessions()).toBe(0);
    expect(await revocations.isRevoked(otherSession.sessionId)).toBe(true);
    expect((await db.query('select revoked_at from auth.sessions where id = $1', [expired])).rows[0]).toEqual({ revoked_at: null });
    expect(logs.events('session.ended_by_operator')).toContainEqual(expect.objectContaining({ scope: 'all_users', ended_sessions: open }));
  });
});
