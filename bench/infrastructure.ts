import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import { createClient } from 'redis';
import type { BenchConfig } from './config.ts';

/** This run's own slice of the local Postgres, Redis and NATS. */
export interface BenchInfrastructure {
  /** DATABASE_URL, REDIS_URL, NATS_URL and the per-run isolation names, for the children. */
  env: Record<string, string>;
  /** Drops the database, the Redis keys under the prefix and the events stream. */
  cleanup(): Promise<void>;
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

async function onMaintenanceDatabase(databaseUrl: string, sql: string[]): Promise<void> {
  const maintenance = new URL(databaseUrl);
  maintenance.pathname = '/postgres';
  const client = new pg.Client({ connectionString: maintenance.toString(), connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    for (const statement of sql) await client.query(statement);
  } finally {
    await client.end();
  }
}

async function deleteRedisKeys(redisUrl: string, prefix: string): Promise<void> {
  const client = createClient({ url: redisUrl });
  await client.connect();
  try {
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
      if (keys.length > 0) await client.del(keys);
    }
  } finally {
    client.destroy();
  }
}

async function deleteStreams(natsUrl: string, stream: string): Promise<void> {
  const nc = await connect({ servers: natsUrl.split(','), name: 'egp-bench-cleanup' });
  try {
    const jsm = await jetstreamManager(nc);
    const doomed: string[] = [];
    for await (const info of jsm.streams.list()) {
      if (info.config.name === stream || info.config.name.startsWith(`${stream}_`)) doomed.push(info.config.name);
    }
    for (const name of doomed) await jsm.streams.delete(name);
  } finally {
    await nc.close();
  }
}

/**
 * A fresh database (a leftover from an interrupted run is dropped first) and per-run names
 * for the Redis key prefix and the JetStream stream and subjects.
 */
export async function prepareInfrastructure(config: BenchConfig): Promise<BenchInfrastructure> {
  const database = decodeURIComponent(new URL(config.BENCH_DATABASE_URL).pathname.slice(1));
  const drop = `DROP DATABASE IF EXISTS ${quoteIdentifier(database)} WITH (FORCE)`;
  await onMaintenanceDatabase(config.BENCH_DATABASE_URL, [drop, `CREATE DATABASE ${quoteIdentifier(database)}`]);

  const token = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const env = {
    DATABASE_URL: config.BENCH_DATABASE_URL,
    REDIS_URL: config.BENCH_REDIS_URL,
    NATS_URL: config.BENCH_NATS_URL,
    REDIS_KEY_PREFIX: `egp-bench-${token}:`,
    EVENTS_STREAM: `EGP_BENCH_${token.toUpperCase()}`,
    EVENTS_SUBJECT_PREFIX: `egpbench${token}`,
  };
  const cleanup = async (): Promise<void> => {
    const results = await Promise.allSettled([
      onMaintenanceDatabase(config.BENCH_DATABASE_URL, [drop]),
      deleteRedisKeys(env.REDIS_URL, env.REDIS_KEY_PREFIX),
      deleteStreams(env.NATS_URL, env.EVENTS_STREAM),
    ]);
    const failures = results.filter((result) => result.status === 'rejected').map((result) => result.reason as unknown);
    if (failures.length > 0) throw new AggregateError(failures, 'Bench clean-up failed.');
  };
  return { env, cleanup };
}
