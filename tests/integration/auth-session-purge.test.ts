import type { MikroORM } from '@mikro-orm/postgresql';
import { decodeJwt } from 'jose';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openServiceOrm, uuidv7 } from '#libs/db';
import { createLogger } from '#libs/logging';
import { testEnvironment } from '#libs/testing';
import { authEntities } from '../../services/auth/src/db/entities/index.ts';
import { authMigrations } from '../../services/auth/src/db/migrations/index.ts';
import { SessionPurge } from '../../services/auth/src/domain/session-purge.ts';
import { startAuthHarness, type AuthHarness } from '../support/auth-harness.ts';
import { uniqueEmail } from '../support/service-env.ts';

const password = 'violet-anvil-73-harbor';
const DAY_SECONDS = 24 * 3600;

describe('purging ended sessions (real Postgres)', () => {
  let auth: AuthHarness;
  let db: pg.Client;
  let orm: MikroORM;
  let sut: SessionPurge;

  beforeAll(async () => {
    auth = await startAuthHarness();
    db = new pg.Client({ connectionString: testEnvironment().databaseUrl });
    await db.connect();
    orm = await openServiceOrm({ databaseUrl: testEnvironment().databaseUrl, schema: 'auth', entities: authEntities, migrations: authMigrations });
    sut = new SessionPurge(orm.em, createLogger('test', 'silent'), { retentionSeconds: 30 * DAY_SECONDS, intervalSeconds: 3600 });
  });
  afterAll(async () => {
    await orm.close();
    await db.end();
    await auth.stop();
  });

  async function signIn(email: string) {
    const { tokens } = await auth.client.login({ email, password }, auth.anonymous());
    return { sessionId: String(decodeJwt(tokens!.accessToken).sid), refreshToken: tokens!.refreshToken };
  }

  const sessionsLeft = async (ids: string[]) =>
    (await db.query<{ id: string }>('select id from auth.sessions where id = any($1::uuid[]) order by id', [ids])).rows.map((row) => row.id);
  const tokensLeft = async (ids: string[]) => Number((await db.query<{ n: string }>('select count(*) as n from auth.refresh_tokens where session_id = any($1::uuid[])', [ids])).rows[0]!.n);

  it('deletes sessions that ended before the retention, with their refresh tokens, and keeps the rest', async () => {
    const email = uniqueEmail('purge');
    await auth.client.register({ email, password }, auth.anonymous());
    const [expiredLongAgo, revokedLongAgo, revokedRecently, live] = [await signIn(email), await signIn(email), await signIn(email), await signIn(email)];
    await db.query(`update auth.sessions set expires_at = now() - interval '31 days' where id = $1`, [expiredLongAgo.sessionId]);
    await db.query(`update auth.sessions set revoked_at = now() - interval '31 days', revoked_reason = 'logout' where id = $1`, [revokedLongAgo.sessionId]);
    await db.query(`update auth.sessions set revoked_at = now() - interval '29 days', revoked_reason = 'logout' where id = $1`, [revokedRecently.sessionId]);
    // The live session's first refresh token is spent: it must stay, so a replay still ends the session.
    await auth.client.refresh({ refreshToken: live.refreshToken }, auth.anonymous());

    expect(await sut.purge()).toBeGreaterThanOrEqual(2);

    const gone = [expiredLongAgo.sessionId, revokedLongAgo.sessionId];
    expect(await sessionsLeft(gone)).toEqual([]);
    expect(await tokensLeft(gone)).toBe(0);
    expect(await sessionsLeft([revokedRecently.sessionId, live.sessionId])).toEqual([revokedRecently.sessionId, live.sessionId].sort());
    expect(await tokensLeft([live.sessionId])).toBe(2);
    await expect(auth.client.refresh({ refreshToken: live.refreshToken }, auth.anonymous())).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    const [{ revoked_reason: reason }] = (await db.query<{ revoked_reason: string }>('select revoked_reason from auth.sessions where id = $1', [live.sessionId])).rows as [{ revoked_reason: string }];
    expect(reason).toBe('refresh_token_reuse');
  });

  it('works through more ended sessions than one batch holds', async () => {
    const { user } = await auth.client.register({ email: uniqueEmail('purge-many'), password }, auth.anonymous());
    const ids = Array.from({ length: 250 }, () => uuidv7());
    await db.query(
      `insert into auth.sessions (id, user_id, amr, created_at, expires_at)
       select id, $2, '{pwd}', now() - interval '200 days', now() - interval '100 days' from unnest($1::uuid[]) as id`,
      [ids, user!.id],
    );
    expect(await sut.purge()).toBeGreaterThanOrEqual(250);
    expect(await sessionsLeft(ids)).toEqual([]);
  });

  it('purges on its own every interval once started, and stops', async () => {
    const { user } = await auth.client.register({ email: uniqueEmail('purge-timer'), password }, auth.anonymous());
    const id = uuidv7();
    await db.query(`insert into auth.sessions (id, user_id, amr, created_at, expires_at) values ($1, $2, '{pwd}', now() - interval '90 days', now() - interval '60 days')`, [id, user!.id]);
    const timed = new SessionPurge(orm.em, createLogger('test', 'silent'), { retentionSeconds: 30 * DAY_SECONDS, intervalSeconds: 1 });
    timed.start();
    try {
      await vi.waitFor(async () => expect(await sessionsLeft([id])).toEqual([]), { timeout: 10_000, interval: 100 });
    } finally {
      await timed.stop();
    }
  });
});
