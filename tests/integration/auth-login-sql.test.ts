import { hash as argon2Hash, type Algorithm } from '@node-rs/argon2';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { decodeJwt } from 'jose';
import { createHash } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServiceOrm, uuidv7 } from '#libs/db';
import { testEnvironment } from '#libs/testing';
import { authEntities } from '../../services/auth/src/db/entities/index.ts';
import { authMigrations } from '../../services/auth/src/db/migrations/index.ts';
import { SessionFactory } from '../../services/auth/src/domain/sessions.ts';
import { replaceOutdatedHash } from '../../services/auth/src/domain/user-records.ts';
import { startAuthHarness, type AuthHarness } from '../support/auth-harness.ts';
import { uniqueEmail } from '../support/service-env.ts';

const password = 'violet-anvil-73-harbor';
// `Algorithm` is an ambient const enum, unusable under isolatedModules; 2 is its Argon2id.
const ARGON2ID = 2 as Algorithm;

interface SessionRow {
  user_id: string;
  amr: string[];
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
}

describe('sign-in on plain SQL (real Postgres)', () => {
  let sut: AuthHarness;
  let db: pg.Client;
  let orm: MikroORM;
  let em: EntityManager;

  beforeAll(async () => {
    sut = await startAuthHarness();
    db = new pg.Client({ connectionString: testEnvironment().databaseUrl });
    await db.connect();
    orm = await openServiceOrm({ databaseUrl: testEnvironment().databaseUrl, schema: 'auth', entities: authEntities, migrations: authMigrations });
    em = orm.em;
  });
  afterAll(async () => {
    await orm.close();
    await db.end();
    await sut.stop();
  });

  const register = async (label: string) => {
    const { user } = await sut.client.register({ email: uniqueEmail(label), password }, sut.anonymous());
    if (!user) throw new Error('no user');
    return user;
  };
  const storedHash = async (userId: string) => (await db.query<{ password_hash: string }>('select password_hash from auth.users where id = $1', [userId])).rows[0]?.password_hash;

  it('answers with the account and its wallets, oldest link first, as GetUser does', async () => {
    const user = await register('wallets');
    const linkedAt = Date.now();
    await db.query(
      `insert into auth.wallets (address, user_id, chain_id, created_at) values ($1, $3, 1, $4), ($2, $3, 8453, $5)`,
      [`0x${'b'.repeat(40)}`, `0x${'a'.repeat(40)}`, user.id, new Date(linkedAt + 2_000), new Date(linkedAt + 1_000)],
    );
    const { user: signedIn } = await sut.client.login({ email: user.email, password }, sut.anonymous());
    expect(signedIn).toEqual({ ...user, wallets: [{ address: `0x${'a'.repeat(40)}`, chainId: 8453 }, { address: `0x${'b'.repeat(40)}`, chainId: 1 }] });
    const asUser = { principal: { kind: 'user', userId: user.id, sessionId: 's', tokenType: 'access' } as const };
    expect((await sut.client.getUser({ userId: user.id }, asUser)).user).toEqual(signedIn);
  });

  it('writes the session and its first refresh token, which then works', async () => {
    const user = await register('session');
    const { tokens } = await sut.client.login({ email: user.email, password }, sut.anonymous());
    const sessionId = String(decodeJwt(tokens?.accessToken ?? '').sid);
    const [session] = (await db.query<SessionRow>('select user_id, amr, created_at, expires_at, revoked_at from auth.sessions where id = $1', [sessionId])).rows;
    expect(session).toMatchObject({ user_id: user.id, amr: ['pwd'], revoked_at: null });
    expect((session?.expires_at.getTime() ?? 0) - (session?.created_at.getTime() ?? 0)).toBe(sut.config.REFRESH_TOKEN_TTL_SECONDS * 1000);
    const refreshTokens = (await db.query('select token_hash, expires_at, used_at from auth.refresh_tokens where session_id = $1', [sessionId])).rows;
    expect(refreshTokens).toEqual([
      { token_hash: createHash('sha256').update(tokens?.refreshToken ?? '').digest('hex'), expires_at: session?.expires_at, used_at: null },
    ]);
    await expect(sut.client.refresh({ refreshToken: tokens?.refreshToken ?? '' }, sut.anonymous())).resolves.toMatchObject({ tokens: { tokenType: 'Bearer' } });
  });

  it('upgrades a hash made with older parameters after a correct password, never after a wrong one', async () => {
    const user = await register('rehash');
    const outdated = await argon2Hash(password, { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 3, parallelism: 1 });
    await db.query('update auth.users set password_hash = $1 where id = $2', [outdated, user.id]);
    await expect(sut.client.login({ email: user.email, password: 'not-the-password-1' }, sut.anonymous('198.51.100.70'))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await storedHash(user.id)).toBe(outdated);
    await sut.client.login({ email: user.email, password }, sut.anonymous());
    expect(await storedHash(user.id)).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    await expect(sut.client.login({ email: user.email, password }, sut.anonymous())).resolves.toMatchObject({ user: { id: user.id } });
  });

  it('signs in every one of several parallel sign-ins that each upgrade the same outdated hash', async () => {
    const user = await register('rehash-race');
    const outdated = await argon2Hash(password, { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 3, parallelism: 1 });
    await db.query('update auth.users set password_hash = $1 where id = $2', [outdated, user.id]);
    // One upgrade wins; the others find the hash already replaced, and it still verifies.
    const results = await Promise.allSettled([1, 2, 3].map((n) => sut.client.login({ email: user.email, password }, sut.anonymous(`198.51.100.${80 + n}`))));
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    expect(await storedHash(user.id)).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('never overwrites a hash that changed after it was read', async () => {
    const user = await register('race');
    const current = await storedHash(user.id);
    await expect(replaceOutdatedHash(em, user.id, 'a hash that was read before a password change', 'upgraded')).resolves.toBe('a hash that was read before a password change');
    expect(await storedHash(user.id)).toBe(current);
    await expect(replaceOutdatedHash(em, user.id, current ?? '', 'upgraded')).resolves.toBe('upgraded');
    expect(await storedHash(user.id)).toBe('upgraded');
  });

  describe('a session only while the verified password is still the account’s', () => {
    const sessions = new SessionFactory({ refreshTokenTtlSeconds: 3600, maxLifetimeSeconds: 7200 });
    const rowsAt = async (marker: Date) =>
      (await db.query('select 1 from auth.refresh_tokens where created_at = $1 union all select 1 from auth.sessions where created_at = $1', [marker])).rowCount;

    it('writes both rows for the current hash, neither for a replaced one or an unknown account', async () => {
      const user = await register('insert');
      const verified = (await storedHash(user.id)) ?? '';
      const opened = await sessions.insertAfterPassword(em, user.id, verified, new Date('2001-02-03T04:05:06.001Z'));
      expect(opened?.refreshToken).toMatch(/^egp_rt_/);
      expect(await rowsAt(new Date('2001-02-03T04:05:06.001Z'))).toBe(2);
      const replaced = new Date('2001-02-03T04:05:06.002Z');
      await expect(sessions.insertAfterPassword(em, user.id, 'the hash before a password change', replaced)).resolves.toBeUndefined();
      await expect(sessions.insertAfterPassword(em, uuidv7(), verified, replaced)).resolves.toBeUndefined();
      expect(await rowsAt(replaced)).toBe(0);
    });

    it('waits for a password change in progress, and opens nothing once it commits', async () => {
      const user = await register('change-race');
      const verified = (await storedHash(user.id)) ?? '';
      const marker = new Date('2001-02-03T04:05:06.003Z');
      const change = new pg.Client({ connectionString: testEnvironment().databaseUrl });
      await change.connect();
      try {
        await change.query('begin');
        await change.query('update auth.users set password_hash = $1 where id = $2', ['a new hash', user.id]);
        let settled = false;
        const insert = sessions.insertAfterPassword(em, user.id, verified, marker).finally(() => (settled = true));
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(settled).toBe(false);
        await change.query('commit');
        await expect(insert).resolves.toBeUndefined();
        expect(await rowsAt(marker)).toBe(0);
      } finally {
        await change.end();
      }
    });
  });
});
