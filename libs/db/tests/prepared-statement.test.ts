import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnvironment } from '#libs/testing';
import { TcpProxy } from '../../../tests/support/tcp-proxy.ts';
import { openServiceOrm, PreparedStatement, translateDbError } from '../index.ts';

describe(PreparedStatement.name, () => {
  let orm: MikroORM;
  let em: EntityManager;
  const schema = 'db_prepared_statement';

  beforeAll(async () => {
    // A small pool: the runs below mostly meet the connection that prepared the statement.
    orm = await openServiceOrm({ databaseUrl: testEnvironment().databaseUrl, schema, entities: [], migrations: [], poolMax: 2 });
    em = orm.em;
    await em.getConnection().execute(`drop table if exists "${schema}"."things"`);
    await em.getConnection().execute(`create table "${schema}"."things" ("id" int primary key, "tags" text[] not null, "at" timestamptz not null)`);
  });
  afterAll(async () => {
    await em.getConnection().execute(`drop schema "${schema}" cascade`);
    await orm.close(true);
  });

  const insert = new PreparedStatement(`insert into "${schema}"."things" ("id", "tags", "at") values ($1, $2::text[], $3)`);
  const byId = new PreparedStatement<{ id: number; tags: string[]; at: string | Date }>(`select "id", "tags", "at" from "${schema}"."things" where "id" = $1`);

  it('binds parameters (arrays and dates included) and answers rows, again and again', async () => {
    const at = new Date('2026-11-24T03:00:00.123Z');
    await insert.run(em, [1, ['a', "b'c"], at]);
    await insert.run(em, [2, [], at]);
    for (let round = 0; round < 3; round += 1) {
      const [row] = await byId.run(em, [1]);
      expect({ ...row, at: new Date(row?.at ?? 0).toISOString() }).toEqual({ id: 1, tags: ['a', "b'c"], at: at.toISOString() });
    }
    expect(await byId.run(em, [3])).toEqual([]);
  });

  it('is prepared on the connection: Postgres lists it after the first run', async () => {
    await byId.run(em, [1]);
    const pool = await em.getConnection().getNativeClient();
    const client = await pool.connect();
    try {
      const { rows } = await client.query<{ statement: string }>('select statement from pg_prepared_statements');
      // The pool hands out its most recently released connection: the one that just ran it.
      expect(rows.map((row) => row.statement)).toContainEqual(expect.stringContaining(`from "${schema}"."things" where "id" = $1`));
    } finally {
      client.release();
    }
  });

  it("fails the way the ORM's queries do, so the usual translation applies", async () => {
    const failure = await insert.run(em, [1, [], new Date()]).catch((error: unknown) => error);
    expect(translateDbError(failure)).toMatchObject({ code: 'CONFLICT' });
  });

  it('reports a lost database as a connection error (503), not a query bug', async () => {
    const url = new URL(testEnvironment().databaseUrl);
    const proxy = new TcpProxy(url.href);
    url.host = await proxy.start();
    const cut = await openServiceOrm({ databaseUrl: url.href, schema, entities: [], migrations: [], poolMax: 2 });
    try {
      await byId.run(cut.em, [1]);
      proxy.cut();
      const failure = await byId.run(cut.em, [1]).catch((error: unknown) => error);
      expect(translateDbError(failure)).toMatchObject({ code: 'UNAVAILABLE' });
    } finally {
      await cut.close(true);
      await proxy.stop();
    }
  });
});
