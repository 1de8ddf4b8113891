import { describe, expect, it } from 'vitest';
import { LocalFirstRateLimiter, RateLimiterStaleError } from './local-first-limiter.ts';
import type { RateLimitRedis } from './rate-limiter.ts';

const patiently = { timeout: 15_000, interval: 20 };

/** Stands in for Redis only to steer what real Redis cannot easily do: hang, lose scripts, answer nonsense. */
function steerableRedis() {
  const fake = {
    mode: 'answer' as 'answer' | 'hang' | 'noscript' | 'nonsense',
    evalCalls: 0,
    reply: () => [Math.floor(Date.now() / 60_000), 0, 0, Date.now()],
    evalSha: async (): Promise<unknown> => {
      if (fake.mode === 'hang') return new Promise(() => undefined);
      if (fake.mode === 'noscript') throw new Error('NOSCRIPT No matching script.');
      if (fake.mode === 'nonsense') return 'OK';
      return fake.reply();
    },
    eval: async (): Promise<unknown> => {
      fake.evalCalls += 1;
      return fake.reply();
    },
    del: async () => 1,
  } satisfies RateLimitRedis & Record<string, unknown>;
  return fake;
}

function consumeOrStale(sut: LocalFirstRateLimiter): unknown {
  try {
    return sut.consume('k');
  } catch (error) {
    return error instanceof RateLimiterStaleError ? 'stale' : error;
  }
}

describe(LocalFirstRateLimiter.name, () => {
  it('refuses before its first sync', () => {
    const sut = new LocalFirstRateLimiter(steerableRedis(), 'p:', { limit: 5, windowSeconds: 60 });
    expect(() => sut.consume('k')).toThrow(RateLimiterStaleError);
  });

  it('answers from memory, without waiting for Redis', async () => {
    const sut = new LocalFirstRateLimiter(steerableRedis(), 'p:', { limit: 5, windowSeconds: 60 });
    await sut.sync();
    expect(sut.consume('k')).toMatchObject({ allowed: true, limit: 5, remaining: 4 });
  });

  it('refuses once a sync hangs past the staleness bound, and recovers when Redis answers again', async () => {
    const redis = steerableRedis();
    const sut = new LocalFirstRateLimiter(redis, 'p:', { limit: 1000, windowSeconds: 60, syncIntervalMs: 20, staleAfterMs: 200 });
    await sut.start();
    try {
      expect(consumeOrStale(sut)).toMatchObject({ allowed: true });
      redis.mode = 'hang';
      await expect.poll(() => consumeOrStale(sut), patiently).toBe('stale');
      redis.mode = 'answer';
      await expect.poll(() => consumeOrStale(sut), patiently).toMatchObject({ allowed: true });
    } finally {
      await sut.stop();
    }
  });

  it('reports a lost and a regained Redis once each', async () => {
    const redis = steerableRedis();
    const changes: boolean[] = [];
    const sut = new LocalFirstRateLimiter(redis, 'p:', {
      limit: 5,
      windowSeconds: 60,
      syncIntervalMs: 10,
      onSyncHealthChange: (healthy) => changes.push(healthy),
    });
    await sut.start();
    try {
      redis.mode = 'nonsense';
      await expect.poll(() => changes, patiently).toEqual([true, false]);
      redis.mode = 'answer';
      await expect.poll(() => changes, patiently).toEqual([true, false, true]);
    } finally {
      await sut.stop();
    }
  });

  it('sends the script itself when Redis no longer has it cached', async () => {
    const redis = steerableRedis();
    redis.mode = 'noscript';
    const sut = new LocalFirstRateLimiter(redis, 'p:', { limit: 5, windowSeconds: 60 });
    await sut.sync();
    expect(redis.evalCalls).toBe(1);
  });

  it('refuses options that would make it refuse everything or nothing', () => {
    for (const options of [{ limit: 0 }, { windowSeconds: 0.5 }, { maxBuckets: 0 }, { syncIntervalMs: 500, staleAfterMs: 500 }]) {
      expect(() => new LocalFirstRateLimiter(steerableRedis(), 'p:', { limit: 5, windowSeconds: 60, ...options })).toThrow(TypeError);
    }
  });
});
