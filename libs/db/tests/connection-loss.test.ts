import { describe, expect, it } from 'vitest';
import { testEnvironment } from '#libs/testing';
import { TcpProxy } from '../../../tests/support/tcp-proxy.ts';
import { isConnectionError, openServiceOrm, watchDatabase } from '../index.ts';

describe('a service ORM losing its database connection', () => {
  it('frees the pool slot of every transaction cut mid-way, so it recovers and closes', async () => {
    const url = new URL(testEnvironment().databaseUrl);
    const proxy = new TcpProxy(url.href);
    url.host = await proxy.start();
    const sut = await openServiceOrm({ databaseUrl: url.href, schema: 'db_connection_loss', entities: [], migrations: [], poolMax: 2 });
    try {
      // More cut transactions than the pool has slots: a leaked slot per cut would exhaust it.
      for (let attempt = 0; attempt < 4; attempt += 1) {
        proxy.restore();
        const failure = await sut.em
          .fork()
          .transactional(async (em) => {
            await em.getConnection().execute('select 1', [], 'all', em.getTransactionContext());
            proxy.cut();
            await new Promise((resolve) => setTimeout(resolve, 20));
            return em.getConnection().execute('select 1', [], 'all', em.getTransactionContext());
          })
          .catch((error: unknown) => error);
        expect(isConnectionError(failure)).toBe(true);
      }
      proxy.restore();
      await expect(sut.em.getConnection().execute('select 1 as one')).resolves.toEqual([{ one: 1 }]);
    } finally {
      await sut.close(true);
      await proxy.stop();
    }
  });

  it('is watched: reported down while unreachable and up again once back', async () => {
    const url = new URL(testEnvironment().databaseUrl);
    const proxy = new TcpProxy(url.href);
    url.host = await proxy.start();
    const orm = await openServiceOrm({ databaseUrl: url.href, schema: 'db_connection_loss', entities: [], migrations: [] });
    const changes: boolean[] = [];
    const stop = watchDatabase(orm, (up) => changes.push(up), 100);
    try {
      await expect.poll(() => changes).toEqual([true]);
      proxy.cut();
      await expect.poll(() => changes).toEqual([true, false]);
      proxy.restore();
      await expect.poll(() => changes).toEqual([true, false, true]);
    } finally {
      stop();
      await orm.close(true);
      await proxy.stop();
    }
  });
});
