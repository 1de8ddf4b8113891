import type { Pool, PoolClient } from 'pg';

/**
 * Gives a pooled connection back to the pool as soon as its socket dies while it is checked
 * out. Kysely (0.29) releases a transaction's connection only after ROLLBACK succeeds, and a
 * ROLLBACK on a dead connection never does, so every transaction caught by a database outage
 * would otherwise keep its pool slot forever: after `pool.max` of them the service could not
 * recover, and closing the ORM would hang. The broken client is released with an error (the
 * pool discards it) and its `release` becomes a no-op, so a later release by its holder is harmless.
 */
export function releaseDeadClients(pool: Pool): void {
  const checkedOut = new WeakSet<PoolClient>();
  pool.on('acquire', (client) => checkedOut.add(client));
  pool.on('release', (_error, client) => checkedOut.delete(client));
  pool.on('connect', (client) => {
    client.once('end', () => {
      if (!checkedOut.has(client)) return;
      checkedOut.delete(client);
      const release = client.release.bind(client);
      client.release = () => undefined;
      release(new Error('Connection terminated while checked out.'));
    });
  });
}
