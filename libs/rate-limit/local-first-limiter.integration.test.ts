import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testEnvironment } from '#libs/testing';
import { TcpProxy } from '../../tests/support/tcp-proxy.ts';
import { LocalFirstRateLimiter, RateLimiterStaleError, type LocalFirstRateLimiterOptions } from './local-first-limiter.ts';
import type { RateLimitResult } from './rate-limiter.ts';

const { redisUrl, redisKeyPrefix } = testEnvironment();
const prefix = `${redisKeyPrefix}local-first:${randomUUID()}:`;
const redis = createClient({ url: redisUrl });
// Generous: the machine running the tests may be slow; nothing here measures speed.
const patiently = { timeout: 15_000, interval: 20 };

/** What a caller sees: the answer, or that the limiter refused to answer. */
async function attempt(sut: LocalFirstRateLimiter, key: string): Promise<RateLimitResult | 'stale'> {
  try {
    return await sut.consume(key);
  } catch (error) {
    if (error instanceof RateLimiterStaleError) return 'stale';
    throw error;
  }
}

describe(`${LocalFirstRateLimiter.name} against Redis`, () => {
  const started: LocalFirstRateLimiter[] = [];
  const cleanups: Array<() => Promise<unknown>> = [];

  /** A limiter that syncs only when a test says so (one start-up sync), unless `start` is asked for. */
  async function limiter(options: Partial<LocalFirstRateLimiterOptions> & { client?: typeof redis; background?: boolean } = {}) {
    const { client = redis, background = false, ...rest } = options;
    const sut = new LocalFirstRateLimiter(client, prefix, { limit: 10, windowSeconds: 60, ...rest });
    if (background) {
      started.push(sut);
      await sut.start();
    } else {
      await sut.sync();
    }
    return sut;
  }

  async function counterOf(key: string): Promise<number> {
    return Number(await redis.hGet(prefix + key, 'current'));
  }

  /** A Redis client behind a proxy the test can cut, failing fast while cut (as main.ts's does). */
  async function proxiedRedis() {
    const proxy = new TcpProxy(redisUrl);
    const address = await proxy.start();
    const client = createClient({ url: `redis://${address}`, disableOfflineQueue: true, socket: { reconnectStrategy: () => 50 } });
    client.on('error', () => undefined);
    await client.connect();
    cleanups.push(async () => {
      proxy.restore();
      if (client.isOpen) client.destroy();
      await proxy.stop();
    });
    return { client, proxy };
  }

  beforeAll(async () => {
    await redis.connect();
  });

  afterEach(async () => {
    for (const sut of started.splice(0)) await sut.stop();
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(keys);
    await redis.close();
  });

  it('enforces the limit exactly within one instance, across syncs', async () => {
    const sut = await limiter({ limit: 5 });
    const results: RateLimitResult[] = [];
    for (let index = 0; index < 12; index += 1) {
      results.push(await sut.consume('exact'));
      if (index % 3 === 2) await sut.sync();
    }
    expect(results.map((result) => result.allowed)).toEqual([...Array<boolean>(5).fill(true), ...Array<boolean>(7).fill(false)]);
    expect(results.map((result) => result.remaining)).toEqual([4, 3, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(results[5]!.retryAfterSeconds).toBeGreaterThan(0);
    await sut.sync();
    expect(await counterOf('exact')).toBe(5);
  });

  it('shares the limit between replicas, over-admitting at most (replicas - 1) x hits per sync interval', async () => {
    const limit = 10;
    const hitsPerInterval = 3;
    const replicas = [await limiter({ limit }), await limiter({ limit })];
    let admitted = 0;
    for (let round = 0; round < 10; round += 1) {
      for (const replica of replicas) {
        for (let hit = 0; hit < hitsPerInterval; hit += 1) if ((await replica.consume('shared')).allowed) admitted += 1;
      }
      for (const replica of replicas) await replica.sync();
    }
    expect(admitted).toBeGreaterThanOrEqual(limit);
    expect(admitted).toBeLessThanOrEqual(limit + (replicas.length - 1) * hitsPerInterval);
    expect(await counterOf('shared')).toBe(admitted);
    // Once both have synced, both refuse.
    for (const replica of replicas) expect((await replica.consume('shared')).allowed).toBe(false);
  });

  it('sees what another replica counted once it has synced', async () => {
    const [first, second] = [await limiter({ limit: 10 }), await limiter({ limit: 10 })];
    for (let hit = 0; hit < 6; hit += 1) await first.consume('seen');
    await first.sync();
    expect(await second.consume('seen')).toMatchObject({ allowed: true, remaining: 9 }); // not synced yet: its own view
    await second.sync();
    expect(await second.consume('seen')).toMatchObject({ allowed: true, remaining: 2 }); // 6 + 1 + this one
  });

  it('slides: requests pass again once the window has moved on, and counters expire', async () => {
    const sut = await limiter({ limit: 2, windowSeconds: 1, syncIntervalMs: 20, background: true });
    expect((await sut.consume('sliding')).allowed).toBe(true);
    expect((await sut.consume('sliding')).allowed).toBe(true);
    const denied = await sut.consume('sliding');
    expect(denied.allowed).toBe(false);
    expect(denied.retryAfterSeconds).toBeGreaterThan(0);
    expect(denied.retryAfterSeconds).toBeLessThanOrEqual(2);
    await expect.poll(async () => (await sut.consume('sliding')).allowed, patiently).toBe(true);
    await expect.poll(() => redis.exists(prefix + 'sliding'), patiently).toBe(0);
  });

  it('refuses once Redis has been unreachable for the staleness bound, and recovers by itself', async () => {
    const { client, proxy } = await proxiedRedis();
    const sut = await limiter({ client, limit: 100, syncIntervalMs: 20, staleAfterMs: 300, background: true });
    expect(await attempt(sut, 'outage')).toMatchObject({ allowed: true });
    proxy.cut();
    await expect.poll(() => attempt(sut, 'outage'), patiently).toBe('stale');
    proxy.restore();
    await expect.poll(() => attempt(sut, 'outage'), patiently).toMatchObject({ allowed: true });
    // Hits admitted before the outage still reach Redis (at least once) after it.
    await expect.poll(() => counterOf('outage'), patiently).toBeGreaterThanOrEqual(2);
  });

  it('refuses until its first sync succeeds, and starts even when Redis is away', async () => {
    const { client, proxy } = await proxiedRedis();
    proxy.cut();
    const sut = new LocalFirstRateLimiter(client, prefix, { limit: 10, windowSeconds: 60, syncIntervalMs: 20 });
    started.push(sut);
    await sut.start();
    expect(await attempt(sut, 'cold')).toBe('stale');
    proxy.restore();
    await expect.poll(() => attempt(sut, 'cold'), patiently).toMatchObject({ allowed: true });
  });

  it('checks new keys past the bucket cap with a synchronous Redis round trip', async () => {
    const sut = await limiter({ limit: 3, maxBuckets: 2 });
    for (const key of ['cap-a', 'cap-b']) expect(sut.consume(key)).not.toBeInstanceOf(Promise);
    const overflow = [];
    for (let hit = 0; hit < 4; hit += 1) {
      const answer = sut.consume('cap-c');
      expect(answer).toBeInstanceOf(Promise);
      overflow.push(await answer);
    }
    expect(overflow.map((result) => result.allowed)).toEqual([true, true, true, false]);
    expect(overflow.map((result) => result.remaining)).toEqual([2, 1, 0, 0]);
    expect(await counterOf('cap-c')).toBe(3); // counted at once, not at the next sync
    expect(sut.trackedKeys).toBe(2);
  });

  it('forgets keys idle for two windows, making room for new ones', async () => {
    const sut = await limiter({ limit: 3, windowSeconds: 1, maxBuckets: 1, syncIntervalMs: 20, background: true });
    expect(sut.consume('idle-a')).not.toBeInstanceOf(Promise);
    expect(sut.trackedKeys).toBe(1);
    await expect.poll(() => sut.trackedKeys, patiently).toBe(0);
    expect(sut.consume('idle-b')).not.toBeInstanceOf(Promise);
  });
});
