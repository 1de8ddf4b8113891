import { describe, expect, it } from 'vitest';
import { createRateLimiter, type RateLimitRedis } from './rate-limiter.ts';

/** Stands in for Redis only to steer the script-cache and failure paths. */
function scriptedRedis(evalSha: RateLimitRedis['evalSha']): RateLimitRedis & { evalCalls: number } {
  const fake = {
    evalCalls: 0,
    evalSha,
    eval: async () => {
      fake.evalCalls += 1;
      return [1, 4, 30_000, 0];
    },
    del: async () => 1,
  };
  return fake;
}

describe(createRateLimiter.name, () => {
  it('sends the script itself when Redis no longer has it cached', async () => {
    const redis = scriptedRedis(() => Promise.reject(new Error('NOSCRIPT No matching script.')));
    const sut = createRateLimiter(redis, 'p:');
    await expect(sut.consume('k', { limit: 5, windowSeconds: 60 })).resolves.toEqual({
      allowed: true,
      limit: 5,
      remaining: 4,
      resetSeconds: 30,
      retryAfterSeconds: 0,
    });
    expect(redis.evalCalls).toBe(1);
  });

  it('fails closed: a Redis error rejects instead of allowing', async () => {
    const redis = scriptedRedis(() => Promise.reject(new Error('Socket closed unexpectedly')));
    const sut = createRateLimiter(redis, 'p:');
    await expect(sut.consume('k', { limit: 5, windowSeconds: 60 })).rejects.toThrow('Socket closed');
    expect(redis.evalCalls).toBe(0);
  });

  it('rejects a malformed reply rather than guessing', async () => {
    const sut = createRateLimiter(scriptedRedis(async () => 'OK'), 'p:');
    await expect(sut.consume('k', { limit: 5, windowSeconds: 60 })).rejects.toThrow('Unexpected');
  });

  it('refuses rules that are not positive integers', async () => {
    const sut = createRateLimiter(scriptedRedis(async () => [1, 0, 0, 0]), 'p:');
    for (const rule of [{ limit: 0, windowSeconds: 60 }, { limit: 5, windowSeconds: 0.5 }, { limit: 5, windowSeconds: 60, cost: -1 }]) {
      await expect(sut.consume('k', rule)).rejects.toBeInstanceOf(TypeError);
    }
  });

  it('reports at least one second to wait when denied', async () => {
    const sut = createRateLimiter(scriptedRedis(async () => [0, 0, 10_000, 20]), 'p:');
    await expect(sut.consume('k', { limit: 5, windowSeconds: 60 })).resolves.toMatchObject({
      allowed: false,
      remaining: 0,
      retryAfterSeconds: 1,
    });
  });
});
