import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createClient } from 'redis';
import { databaseUrlFor, quoteIdentifier, withAdminConnection } from './admin-sql.ts';
import { resolveInfrastructure, type Infrastructure } from './infrastructure.ts';
import { isolatedNames, newRunToken } from './naming.ts';

/** Everything a test needs to point a process at its own slice of the shared infrastructure. */
export interface IsolatedEnvironmentInfo {
  /** A brand-new database on the shared server, dropped at cleanup. */
  databaseUrl: string;
  redisUrl: string;
  natsUrl: string;
  redisKeyPrefix: string;
  eventsStream: string;
  eventsSubjectPrefix: string;
  /** The same values as process environment variables, ready for `loadConfig` or a child process. */
  env: Record<string, string>;
}

export interface IsolatedEnvironment extends IsolatedEnvironmentInfo {
  /** Drops the database, deletes the Redis keys under the prefix and the events stream. */
  cleanup: () => Promise<void>;
}

type ServerUrls = Pick<Infrastructure, 'databaseUrl' | 'redisUrl' | 'natsUrl'>;

export async function dropDatabase(serverUrl: string, database: string): Promise<void> {
  await withAdminConnection(serverUrl, async (query) => {
    await query('select pg_terminate_backend(pid) from pg_stat_activity where datname = ? and pid <> pg_backend_pid()', [database]);
    await query(`drop database if exists ${quoteIdentifier(database)} with (force)`);
  });
}

export async function deleteRedisKeys(redisUrl: string, match: string, keep: (key: string) => boolean = () => false): Promise<number> {
  const client = createClient({ url: redisUrl });
  await client.connect();
  let deleted = 0;
  try {
    for await (const keys of client.scanIterator({ MATCH: match, COUNT: 500 })) {
      const doomed = keys.filter((key) => !keep(key));
      if (doomed.length > 0) deleted += await client.del(doomed);
    }
  } finally {
    client.destroy();
  }
  return deleted;
}

export async function deleteStreams(natsUrl: string, names: (existing: string[]) => string[]): Promise<void> {
  const nc = await connect({ servers: natsUrl.split(','), name: 'egp-test-cleanup' });
  try {
    const jsm = await jetstreamManager(nc);
    const existing: string[] = [];
    for await (const stream of jsm.streams.list()) existing.push(stream.config.name);
    for (const name of names(existing)) await jsm.streams.delete(name);
  } finally {
    await nc.close();
  }
}

/**
 * A slice of the shared infrastructure that no other test run can see: its own database
 * (created here, on the server of `urls.databaseUrl`), its own Redis key prefix, and its own
 * JetStream stream name and subject prefix (the stream itself is created by whoever first
 * calls `ensureEventStream`). Names carry their creation time so a sweep can reap leftovers.
 */
export async function createIsolatedEnvironment(urls?: ServerUrls): Promise<IsolatedEnvironment> {
  const servers = urls ?? (await resolveInfrastructure());
  const token = newRunToken();
  const database = isolatedNames.database(token);
  await withAdminConnection(servers.databaseUrl, (query) => query(`create database ${quoteIdentifier(database)}`));

  const info: IsolatedEnvironmentInfo = {
    databaseUrl: databaseUrlFor(servers.databaseUrl, database),
    redisUrl: servers.redisUrl,
    natsUrl: servers.natsUrl,
    redisKeyPrefix: isolatedNames.redisKeyPrefix(token),
    eventsStream: isolatedNames.eventsStream(token),
    eventsSubjectPrefix: isolatedNames.eventsSubjectPrefix(token),
    env: {},
  };
  info.env = {
    DATABASE_URL: info.databaseUrl,
    REDIS_URL: info.redisUrl,
    NATS_URL: info.natsUrl,
    REDIS_KEY_PREFIX: info.redisKeyPrefix,
    EVENTS_STREAM: info.eventsStream,
    EVENTS_SUBJECT_PREFIX: info.eventsSubjectPrefix,
    INTERNAL_AUTH_SECRET: randomBytes(32).toString('hex'),
  };

  const cleanup = async (): Promise<void> => {
    const results = await Promise.allSettled([
      dropDatabase(servers.databaseUrl, database),
      deleteRedisKeys(info.redisUrl, `${info.redisKeyPrefix}*`),
      // Streams a test made under this name (EGPT_X, EGPT_X_RELAY...) go with it.
      deleteStreams(info.natsUrl, (existing) => existing.filter((name) => name === info.eventsStream || name.startsWith(`${info.eventsStream}_`))),
    ]);
    const failures = results.filter((result) => result.status === 'rejected').map((result) => result.reason as unknown);
    if (failures.length > 0) throw new AggregateError(failures, 'Test environment cleanup failed.');
  };
  return { ...info, cleanup };
}
