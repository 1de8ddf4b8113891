import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createClient } from 'redis';
import { describe, expect, it } from 'vitest';
import {
  createIsolatedEnvironment,
  localInfrastructure,
  resolveInfrastructure,
  sweepStaleEnvironments,
  testEnvironment,
  withAdminConnection,
} from '../index.ts';
import { isolatedNames, newRunToken } from '../naming.ts';

async function databaseExists(serverUrl: string, name: string): Promise<boolean> {
  const rows = await withAdminConnection(serverUrl, (query) => query('select 1 from pg_database where datname = ?', [name]));
  return rows.length === 1;
}

type Redis = ReturnType<typeof redisClient>;
const redisClient = (url: string) => createClient({ url });

async function withRedis<T>(url: string, fn: (client: Redis) => Promise<T>): Promise<T> {
  const client = redisClient(url);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    client.destroy();
  }
}

async function streamNames(natsUrl: string): Promise<string[]> {
  const nc = await connect({ servers: natsUrl });
  try {
    const names: string[] = [];
    for await (const stream of (await jetstreamManager(nc)).streams.list()) names.push(stream.config.name);
    return names;
  } finally {
    await nc.close();
  }
}

async function addStream(natsUrl: string, name: string, subject: string): Promise<void> {
  const nc = await connect({ servers: natsUrl });
  try {
    await (await jetstreamManager(nc)).streams.add({ name, subjects: [`${subject}.>`] });
  } finally {
    await nc.close();
  }
}

describe(resolveInfrastructure.name, () => {
  it('takes URLs from the environment, else this machine’s services when containers are off', async () => {
    const given = await resolveInfrastructure({
      DATABASE_URL: 'postgres://u@db:5432/x',
      REDIS_URL: 'redis://cache:6379',
      NATS_URL: 'nats://bus:4222',
      TEST_INFRASTRUCTURE: 'auto',
    });
    expect(given).toMatchObject({ databaseUrl: 'postgres://u@db:5432/x', origin: { database: 'environment', nats: 'environment' } });

    const local = await resolveInfrastructure({ TEST_INFRASTRUCTURE: 'local' });
    expect(local).toMatchObject({ ...localInfrastructure, origin: { database: 'local', redis: 'local', nats: 'local' } });
  });
});

describe(createIsolatedEnvironment.name, () => {
  it('provides a fresh database, prefix and stream names, and removes them all at cleanup', async () => {
    const shared = testEnvironment();
    const servers = { databaseUrl: shared.databaseUrl, redisUrl: shared.redisUrl, natsUrl: shared.natsUrl };
    const sut = await createIsolatedEnvironment(servers);
    const database = new URL(sut.databaseUrl).pathname.slice(1);

    expect(database).toMatch(/^egp_t_[0-9a-z]+$/);
    expect(sut.env).toMatchObject({ DATABASE_URL: sut.databaseUrl, REDIS_KEY_PREFIX: sut.redisKeyPrefix, EVENTS_STREAM: sut.eventsStream });
    expect(sut.env.INTERNAL_AUTH_SECRET).toHaveLength(64);
    const current = await withAdminConnection(sut.databaseUrl, (query) => query('select current_database() as name'));
    expect(current[0]?.name).toBe(database);

    await withRedis(sut.redisUrl, async (redis) => {
      await redis.set(`${sut.redisKeyPrefix}a`, '1');
      await redis.set(`${sut.redisKeyPrefix}b`, '2');
    });
    await addStream(sut.natsUrl, sut.eventsStream, sut.eventsSubjectPrefix);

    await sut.cleanup();

    expect(await databaseExists(servers.databaseUrl, database)).toBe(false);
    expect(await withRedis(sut.redisUrl, (redis) => redis.keys(`${sut.redisKeyPrefix}*`))).toEqual([]);
    expect(await streamNames(sut.natsUrl)).not.toContain(sut.eventsStream);
  });
});

describe(sweepStaleEnvironments.name, () => {
  it('reaps what old runs left behind and leaves young environments alone', async () => {
    const shared = testEnvironment();
    const servers = { databaseUrl: shared.databaseUrl, redisUrl: shared.redisUrl, natsUrl: shared.natsUrl };
    const oldToken = newRunToken(Date.now() - 7 * 60 * 60 * 1000);
    const oldDatabase = isolatedNames.database(oldToken);
    await withAdminConnection(servers.databaseUrl, (query) => query(`create database "${oldDatabase}"`));
    await withRedis(servers.redisUrl, (redis) => redis.set(`${isolatedNames.redisKeyPrefix(oldToken)}k`, 'v'));
    await addStream(servers.natsUrl, isolatedNames.eventsStream(oldToken), isolatedNames.eventsSubjectPrefix(oldToken));

    await sweepStaleEnvironments(servers);

    expect(await databaseExists(servers.databaseUrl, oldDatabase)).toBe(false);
    expect(await withRedis(servers.redisUrl, (redis) => redis.exists(`${isolatedNames.redisKeyPrefix(oldToken)}k`))).toBe(0);
    expect(await streamNames(servers.natsUrl)).not.toContain(isolatedNames.eventsStream(oldToken));
    // This run's own database is young and stays.
    expect(await databaseExists(servers.databaseUrl, new URL(shared.databaseUrl).pathname.slice(1))).toBe(true);
  });
});
