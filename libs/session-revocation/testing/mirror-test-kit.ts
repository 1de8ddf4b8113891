import { randomUUID } from 'node:crypto';
import { createClient, type RedisClientOptions } from 'redis';
import { afterAll, afterEach, beforeAll, expect, vi } from 'vitest';
import { testEnvironment } from '#libs/testing';
import type { DirectRevocationCheck, MirrorRedis, RevocationMirrorOptions } from '../mirror-contract.ts';
import { RevocationMirror } from '../revocation-mirror.ts';
import { SessionRevocationList, type RevocationStore } from '../revocation-list.ts';

export const { redisUrl } = testEnvironment();
const runPrefix = `${testEnvironment().redisKeyPrefix}revocation-mirror:${randomUUID()}:`;
// Generous: the machine running the tests may be slow; nothing here measures speed.
export const patiently = { timeout: 15_000, interval: 20 };

type Client = ReturnType<typeof createClient>;

/** The direct check, counting how often the mirror had to ask Redis. */
function counting(check: DirectRevocationCheck) {
  const counter = {
    calls: 0,
    isRevoked(sessionId: string) {
      counter.calls += 1;
      return check.isRevoked(sessionId);
    },
  };
  return counter;
}

/**
 * What the RevocationMirror tests share, registered in the calling describe block: a Redis
 * connection for assertions, a key prefix per test, connections and mirrors closed after each
 * test, and the run's keys deleted at the end.
 */
export function mirrorTestKit() {
  const redis = createClient({ url: redisUrl });
  const cleanups: Array<() => Promise<unknown>> = [];
  let prefix: string;

  beforeAll(async () => {
    await redis.connect();
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  afterAll(async () => {
    const keys = await redis.keys(`${runPrefix}*`);
    if (keys.length > 0) await redis.del(keys);
    redis.destroy();
  });

  /** Each test has its own prefix, so its own index and channel. */
  function freshPrefix(): string {
    prefix = `${runPrefix}${randomUUID()}:`;
    return prefix;
  }

  async function connect(options: RedisClientOptions = {}): Promise<Client> {
    const client = createClient({ url: redisUrl, ...options }) as Client;
    client.on('error', () => undefined);
    await client.connect();
    cleanups.push(async () => client.destroy());
    return client;
  }

  /** Another process's writer (the auth service), on its own connection. */
  async function writer(ttlSeconds = 900, skewSeconds = 60): Promise<SessionRevocationList> {
    return new SessionRevocationList(await connect(), prefix, ttlSeconds, skewSeconds);
  }

  async function mirror(
    options: { redis?: MirrorRedis; direct?: DirectRevocationCheck; store?: RevocationStore } & Partial<RevocationMirrorOptions> = {},
  ) {
    const { redis: client = await connect(), store, ...rest } = options;
    const direct = counting(options.direct ?? new SessionRevocationList(store ?? (client as unknown as RevocationStore), prefix, 900));
    const sut = await RevocationMirror.start(client, direct, { keyPrefix: prefix, freshnessMs: 700, heartbeatMs: 50, localTtlSeconds: 60, ...rest });
    cleanups.push(() => sut.close());
    return { sut, direct };
  }

  /** Waits until the mirror answers `expected` for the session from memory alone. */
  async function answersFromMemory(sut: RevocationMirror, direct: { calls: number }, sessionId: string, expected: boolean) {
    await vi.waitFor(async () => {
      const before = direct.calls;
      expect(await sut.isRevoked(sessionId)).toBe(expected);
      expect(direct.calls).toBe(before);
    }, patiently);
  }

  /** Waits until a heartbeat sent after `since` (performance.now()) has come back. */
  async function provenAfter(sut: RevocationMirror, since: number) {
    await vi.waitFor(() => expect(sut.status().completeAsOf).toBeGreaterThan(since), patiently);
  }

  async function subscriberId(sut: RevocationMirror): Promise<number> {
    const list = await redis.clientList();
    const entry = list.find((client) => client.name === sut.subscriberName);
    if (!entry) throw new Error(`no client named ${sut.subscriberName}`);
    return entry.id;
  }

  return {
    redis,
    /** The current test's key prefix (set by freshPrefix). */
    get prefix() {
      return prefix;
    },
    onCleanup: (cleanup: () => Promise<unknown>) => cleanups.push(cleanup),
    freshPrefix,
    connect,
    writer,
    mirror,
    answersFromMemory,
    provenAfter,
    subscriberId,
  };
}
