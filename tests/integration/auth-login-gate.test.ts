import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnvironment } from '#libs/testing';
import { IpLimits } from '../../services/auth/src/domain/ip-limits.ts';
import { LoginGate } from '../../services/auth/src/domain/login-gate.ts';
import { LoginThrottle, type ThrottleLimits } from '../../services/auth/src/domain/login-throttle.ts';

const defaults: ThrottleLimits = { perAccountIp: 5, perAccount: 50, windowSeconds: 900, baseBlockSeconds: 60, maxBlockSeconds: 3600, accountBlockSeconds: 900 };

type Outcome = 'allowed' | { code: string; message: string; retryAfterSeconds?: number };

describe(`${LoginGate.name} against Redis`, () => {
  const redis = createClient({ url: testEnvironment().redisUrl });

  beforeAll(async () => {
    await redis.connect();
  });
  afterAll(() => redis.destroy());

  /** A gate with keys of its own, so tests never share counters. */
  function gateWith(limits: Partial<ThrottleLimits>, loginsPerIpPerMinute = 1000) {
    const prefix = `${testEnvironment().redisKeyPrefix}gate-${randomBytes(4).toString('hex')}:`;
    const throttle = new LoginThrottle(redis, prefix, { ...defaults, ...limits });
    const ipLimits = new IpLimits(redis, `${prefix}rl:auth:`, {
      login: { limit: loginsPerIpPerMinute, windowSeconds: 60 },
      register: { limit: 30, windowSeconds: 3600 },
    });
    const sut = new LoginGate(redis, ipLimits, throttle);
    const enter = (account: string, ip: string): Promise<Outcome> => sut.enter(account, ip).then(() => 'allowed' as const, (error: unknown) => error as Outcome);
    return { sut, throttle, ipLimits, enter };
  }

  const limitedBy = (message: string) => ({ code: 'RATE_LIMITED', message });
  const tooManyAttempts = limitedBy('Too many attempts; try again later.');
  const tooManyFromAddress = limitedBy('Too many requests from this address; try again later.');

  it('lets no more than the per-account+IP threshold of sixty parallel attempts through', async () => {
    const { enter } = gateWith({ perAccountIp: 5 });
    const outcomes = await Promise.all(Array.from({ length: 60 }, () => enter('burst@example.test', '192.0.2.60')));
    expect(outcomes.filter((outcome) => outcome === 'allowed')).toHaveLength(5);
    const refused = outcomes.filter((outcome) => outcome !== 'allowed');
    expect(refused).toHaveLength(55);
    for (const outcome of refused) expect(outcome).toMatchObject({ ...tooManyAttempts, retryAfterSeconds: 60, rateLimit: 5 });
  });

  it('blocks the pair before the account, and the account block is time-boxed', async () => {
    const { enter } = gateWith({ perAccountIp: 3, perAccount: 5, accountBlockSeconds: 2 });
    const account = 'acct@example.test';
    for (let i = 0; i < 3; i += 1) expect(await enter(account, '198.51.100.1')).toBe('allowed');
    expect(await enter(account, '198.51.100.1')).toMatchObject({ ...tooManyAttempts, retryAfterSeconds: 60, rateLimit: 3 });
    // Another address has attempts of its own until the higher account-wide limit trips.
    for (let i = 0; i < 2; i += 1) expect(await enter(account, '198.51.100.2')).toBe('allowed');
    expect(await enter(account, '198.51.100.2')).toMatchObject({ ...tooManyAttempts, retryAfterSeconds: 2, rateLimit: 5 });
    // A block already in place names its limit too.
    expect(await enter(account, '198.51.100.3')).toMatchObject({ ...tooManyAttempts, rateLimit: 5 });
    await sleep(2_100);
    expect(await enter(account, '198.51.100.3')).toBe('allowed');
  });

  it("doubles the pair's block each time it is blocked again", async () => {
    const { enter } = gateWith({ perAccountIp: 1, baseBlockSeconds: 1, maxBlockSeconds: 4 });
    expect(await enter('grow@example.test', '203.0.113.1')).toBe('allowed');
    expect(await enter('grow@example.test', '203.0.113.1')).toMatchObject({ ...tooManyAttempts, retryAfterSeconds: 1 });
    await sleep(1_100);
    expect(await enter('grow@example.test', '203.0.113.1')).toBe('allowed');
    expect(await enter('grow@example.test', '203.0.113.1')).toMatchObject({ ...tooManyAttempts, retryAfterSeconds: 2 });
  });

  it('caps attempts per address first, and does not count a refused one against the account', async () => {
    const { enter, throttle } = gateWith({ perAccountIp: 1 }, 3);
    for (const account of ['a1', 'a2', 'a3']) expect(await enter(`${account}@example.test`, '203.0.113.9')).toBe('allowed');
    const refused = await enter('a4@example.test', '203.0.113.9');
    expect(refused).toMatchObject({ ...tooManyFromAddress, rateLimit: 3 });
    expect((refused as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    // Had the refused attempt been counted, this would be the account's second from the pair.
    await expect(throttle.attempt('a4@example.test', '203.0.113.9')).resolves.toBeUndefined();
    await expect(throttle.attempt('a4@example.test', '203.0.113.9')).rejects.toMatchObject(tooManyAttempts);
  });

  it('counts against the same per-address window as IpLimits.consume', async () => {
    const { enter, ipLimits } = gateWith({}, 2);
    await ipLimits.consume('login', '203.0.113.20');
    await ipLimits.consume('login', '203.0.113.20');
    expect(await enter('shared@example.test', '203.0.113.20')).toMatchObject({ ...tooManyFromAddress, rateLimit: 2 });
    await expect(ipLimits.consume('register', '203.0.113.20')).resolves.toBeUndefined();
  });

  it('keeps working after Redis forgets its scripts (restart, failover)', async () => {
    const { enter } = gateWith({ perAccountIp: 1 });
    expect(await enter('flush@example.test', '203.0.113.30')).toBe('allowed');
    await redis.scriptFlush();
    expect(await enter('flush@example.test', '203.0.113.30')).toMatchObject(tooManyAttempts);
  });

  it('fails closed with UNAVAILABLE when Redis cannot answer', async () => {
    const broken = { evalSha: () => Promise.reject(new Error('Socket closed unexpectedly')), eval: () => Promise.reject(new Error('unreachable')) };
    const { ipLimits, throttle } = gateWith({});
    await expect(new LoginGate(broken, ipLimits, throttle).enter('down@example.test', '203.0.113.40')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });
});
