import { describe, expect, it } from 'vitest';
import { DeadlinePassedError, withDeadline } from '#libs/deadline';
import { testEnvironment } from '#libs/testing';
import { openServiceOrm, translateDbError } from '../index.ts';

describe('a transaction whose call has run out of time (real Postgres)', () => {
  it('is rolled back at commit once the deadline has passed, and commits before it', async () => {
    const sut = await openServiceOrm({ databaseUrl: testEnvironment().databaseUrl, schema: 'db_deadline_guard', entities: [], migrations: [] });
    const connection = sut.em.getConnection();
    try {
      await connection.execute('create schema if not exists db_deadline_guard');
      await connection.execute('create table if not exists db_deadline_guard.changes (label text primary key)');
      await connection.execute('truncate db_deadline_guard.changes');
      const insert = (label: string) =>
        sut.em.fork().transactional(async (em) => {
          await em.getConnection().execute('insert into db_deadline_guard.changes (label) values (?)', [label], 'run', em.getTransactionContext());
          // The call's work outlives its caller's patience (a paused process, a slow lock).
          await new Promise((resolve) => setTimeout(resolve, 30));
        });

      const late = await withDeadline(new Date(Date.now() + 10), () => insert('late')).catch((error: unknown) => error);
      expect(late).toBeInstanceOf(DeadlinePassedError);
      expect(translateDbError(late)).toMatchObject({ code: 'UNAVAILABLE' });
      await withDeadline(new Date(Date.now() + 10_000), () => insert('in time'));
      await insert('no deadline');
      const rows = await connection.execute<{ label: string }[]>('select label from db_deadline_guard.changes order by label');
      expect(rows.map((row) => row.label)).toEqual(['in time', 'no deadline']);
    } finally {
      await connection.execute('drop schema if exists db_deadline_guard cascade');
      await sut.close(true);
    }
  });
});
