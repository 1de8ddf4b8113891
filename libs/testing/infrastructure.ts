import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadTestingConfig, type TestingConfig } from './config.ts';
import { dockerIsReachable, startNats, startPostgres, startRedis, type StartedContainer } from './containers.ts';

/** The infrastructure on this machine, used when nothing else is given and Docker is absent. */
export const localInfrastructure = {
  databaseUrl: 'postgres://postgres@127.0.0.1:5432/test',
  redisUrl: 'redis://127.0.0.1:6379',
  natsUrl: 'nats://127.0.0.1:4222',
} as const;

export interface Infrastructure {
  /** A server URL whose user may create and drop databases. */
  databaseUrl: string;
  redisUrl: string;
  natsUrl: string;
  /** Where each URL came from, for the log line at the start of a run. */
  origin: { database: Origin; redis: Origin; nats: Origin };
  /** Stops any containers this call started. */
  stop(): Promise<void>;
}

type Origin = 'environment' | 'container' | 'local';

function dockerEndpointConfigured(config: TestingConfig): boolean {
  if (config.DOCKER_HOST || config.TESTCONTAINERS_DOCKER_SOCKET_OVERRIDE) return true;
  const sockets = ['/var/run/docker.sock'];
  if (config.HOME) sockets.push(join(config.HOME, '.docker/run/docker.sock'), join(config.HOME, '.colima/default/docker.sock'));
  return sockets.some((socket) => existsSync(socket));
}

/**
 * Postgres, Redis and NATS for a test run: each from `DATABASE_URL` / `REDIS_URL` / `NATS_URL`
 * when set; otherwise a container when a Docker engine is reachable (postgres:16-alpine,
 * redis:7-alpine, nats:2 -js); otherwise this machine's local services.
 */
export async function resolveInfrastructure(config: Readonly<TestingConfig> = loadTestingConfig()): Promise<Infrastructure> {
  const missing = !config.DATABASE_URL || !config.REDIS_URL || !config.NATS_URL;
  const useContainers =
    missing &&
    config.TEST_INFRASTRUCTURE !== 'local' &&
    (config.TEST_INFRASTRUCTURE === 'containers' || (await dockerIsReachable(dockerEndpointConfigured(config))));

  const started: StartedContainer[] = [];
  const pick = async (given: string | undefined, start: () => Promise<StartedContainer>, local: string) => {
    if (given) return { url: given, origin: 'environment' as Origin };
    if (!useContainers) return { url: local, origin: 'local' as Origin };
    const container = await start();
    started.push(container);
    return { url: container.url, origin: 'container' as Origin };
  };

  // Settle all three before judging, so a failed start never leaves a sibling container running.
  const results = await Promise.allSettled([
    pick(config.DATABASE_URL, startPostgres, localInfrastructure.databaseUrl),
    pick(config.REDIS_URL, startRedis, localInfrastructure.redisUrl),
    pick(config.NATS_URL, startNats, localInfrastructure.natsUrl),
  ]);
  const stop = async () => void (await Promise.allSettled(started.map((container) => container.stop())));
  const [database, redis, nats] = results;
  if (database?.status !== 'fulfilled' || redis?.status !== 'fulfilled' || nats?.status !== 'fulfilled') {
    await stop();
    const reasons = results.filter((result) => result.status === 'rejected').map((result) => result.reason as unknown);
    throw new AggregateError(reasons, 'Could not start the test infrastructure.');
  }
  return {
    databaseUrl: database.value.url,
    redisUrl: redis.value.url,
    natsUrl: nats.value.url,
    origin: { database: database.value.origin, redis: redis.value.origin, nats: nats.value.origin },
    stop,
  };
}
