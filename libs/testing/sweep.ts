import { deleteRedisKeys, deleteStreams, dropDatabase } from './isolated-environment.ts';
import { withAdminConnection } from './admin-sql.ts';
import type { Infrastructure } from './infrastructure.ts';
import { createdAtOf, sweptPrefixes } from './naming.ts';

const SIX_HOURS_MS = 6 * 60 * 60 * 1000;

/**
 * Reaps what crashed or interrupted runs left behind: databases, streams and Redis keys
 * named by the harness and older than `maxAgeMs`. Younger ones may belong to a run still
 * going on (another terminal, another CI job on the same server), so they stay.
 */
export async function sweepStaleEnvironments(
  urls: Pick<Infrastructure, 'databaseUrl' | 'redisUrl' | 'natsUrl'>,
  maxAgeMs: number = SIX_HOURS_MS,
): Promise<void> {
  const cutoff = Date.now() - maxAgeMs;
  const isStale = (name: string, prefix: string) => {
    const createdAt = createdAtOf(name, prefix);
    return createdAt !== undefined && createdAt < cutoff;
  };

  const databases = await withAdminConnection(urls.databaseUrl, (query) =>
    query(`select datname from pg_database where datname like 'egp\\_t\\_%'`),
  );
  for (const row of databases) {
    const name = String(row.datname);
    if (isStale(name, sweptPrefixes.database)) await dropDatabase(urls.databaseUrl, name);
  }
  await deleteStreams(urls.natsUrl, (existing) => existing.filter((name) => isStale(name, sweptPrefixes.stream)));
  await deleteRedisKeys(urls.redisUrl, `${sweptPrefixes.redisKey}*`, (key) => !isStale(key, sweptPrefixes.redisKey));
}
