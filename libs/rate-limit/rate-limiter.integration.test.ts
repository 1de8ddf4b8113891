import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limiter.ts';

const redis = createClient({ url: 'redis://127.0.0.1:6379' });
const prefix = `test:rate-limit:${randomUUID()}:`;

describe(`${createRateLimiter.name} against Redis`, () => {
  const sut = createRateLimiter(redis, prefix);

  beforeAll(async () => {
    await redis.connect();
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(keys);
    await redis.close();
  });

  it('allows up to the limit, then denies with a wait', async () => {
    const rule = { limit: 3, windowSeconds: 60 };
    const results = [];
    for (let index = 0; index < 4; index += 1) results.push(await sut.consume('sequential', rule));
    expect(results.map((result) => result.allowed)).toEqual([true, true, true, false]);
    expect(results.map((result) => result.remaining)).toEqual([2, 1, 0, 0]);
    const denied = results[3]!;
    expect(denied.retryAfterSeconds).toBeGreaterThan(0);
    expect(denied.retryAfterSeconds).toBeLessThanOrEqual(120);
    expect(denied.resetSeconds).toBeLessThanOrEqual(60);
  });

  it('is atomic: a parallel burst gets exactly the limit', async () => {
    const rule = { limit: 10, windowSeconds: 60 };
    const burst = await Promise.all(Array.from({ length: 50 }, () => sut.consume('burst', rule)));
    expect(burst.filter((result) => result.allowed)).toHaveLength(10);
  });

  it('keeps keys apart and forgets a key on reset', async () => {
    const rule = { limit: 1, windowSeconds: 60 };
    expect((await sut.consume('alice', rule)).allowed).toBe(true);
    expect((await sut.consume('alice', rule)).allowed).toBe(false);
    expect((await sut.consume('bob', rule)).allowed).toBe(true);
    await sut.reset('alice');
    expect((await sut.consume('alice', rule)).allowed).toBe(true);
  });

  it('counts costs and expires idle counters after two windows', async () => {
    const result = await sut.consume('weighted', { limit: 10, windowSeconds: 5, cost: 4 });
    expect(result).toMatchObject({ allowed: true, remaining: 6 });
    const ttl = await redis.pTTL(`${prefix}weighted`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(10_000);
  });

  it('lets requests through again once the window has slid past', async () => {
    const rule = { limit: 2, windowSeconds: 1 };
    await sut.consume('sliding', rule);
    await sut.consume('sliding', rule);
    const denied = await sut.consume('sliding', rule);
    expect(denied.allowed).toBe(false);
    expect(denied.retryAfterSeconds).toBeLessThanOrEqual(2);
    await sleep(denied.retryAfterSeconds * 1000 + 50);
    expect((await sut.consume('sliding', rule)).allowed).toBe(true);
  });
});
