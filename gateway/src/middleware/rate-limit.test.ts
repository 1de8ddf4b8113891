import type { Request, Response } from 'express';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TcpProxy } from '../../../tests/support/tcp-proxy.ts';
import type { GatewayRedis } from '../app.ts';
import { connectTestRedis, startTestGateway, type TestGateway, type TestRedis } from '../testing/harness.ts';
import { createSigningKey } from '../testing/tokens.ts';
import { clientBucket, ipRateLimit } from './rate-limit.ts';

// Generous: the machine running the tests may be slow; nothing here measures speed.
const patiently = { timeout: 15_000, interval: 20 };

describe(ipRateLimit.name, () => {
  let redis: TestRedis;
  const gateways: TestGateway[] = [];

  beforeAll(async () => {
    redis = await connectTestRedis();
  });

  afterAll(async () => {
    for (const gateway of gateways) await gateway.close();
    await redis.close();
  });

  async function start(options: { appRedis?: GatewayRedis; env?: Record<string, string> } = {}) {
    const env = { RATE_LIMIT_IP_PER_MINUTE: '3', ...options.env };
    const gateway = await startTestGateway({ redis, signingKey: await createSigningKey(), appRedis: options.appRedis, env });
    gateways.push(gateway);
    return gateway;
  }

  it('sends RateLimit headers, then 429 with Retry-After once the IP is over its limit', async () => {
    const sut = await start();
    const responses = [];
    for (let index = 0; index < 4; index += 1) responses.push(await fetch(`${sut.url}/api/v1/nope`));
    expect(responses.map((response) => response.status)).toEqual([404, 404, 404, 429]);
    expect(responses.map((response) => response.headers.get('ratelimit-remaining'))).toEqual(['2', '1', '0', '0']);
    expect(responses[0]!.headers.get('ratelimit-limit')).toBe('3');
    expect(Number(responses[0]!.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
    const limited = responses[3]!;
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Its own refusal: the quota it describes is the one that refused.
    expect(limited.headers.get('ratelimit-limit')).toBe('3');
    expect(limited.headers.get('ratelimit-reset')).toBe(limited.headers.get('retry-after'));
    expect(await limited.json()).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
  });

  it('leaves the operations endpoints unlimited', async () => {
    const sut = await start();
    for (let index = 0; index < 5; index += 1) expect((await fetch(`${sut.url}/healthz`)).status).toBe(200);
  });

  it('fails closed with 503 when Redis cannot answer', async () => {
    const broken: GatewayRedis = {
      evalSha: () => Promise.reject(new Error('The client is closed')),
      eval: () => Promise.reject(new Error('The client is closed')),
      del: () => Promise.reject(new Error('The client is closed')),
      exists: () => Promise.reject(new Error('The client is closed')),
      ping: () => Promise.reject(new Error('The client is closed')),
    };
    const sut = await start({ appRedis: broken });
    const response = await fetch(`${sut.url}/api/v1/users/me`);
    expect(response.status).toBe(503);
    const problem = await response.json();
    expect(problem).toMatchObject({ code: 'UNAVAILABLE' });
    expect(JSON.stringify(problem)).not.toContain('client is closed');
    expect((await fetch(`${sut.url}/readyz`)).status).toBe(503);
  });

  it('answers from memory: no Redis call per request', async () => {
    let limiterCalls = 0;
    const counting = new Proxy(redis, {
      get(target, property) {
        const value: unknown = Reflect.get(target, property, target);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (property === 'evalSha' || property === 'eval') limiterCalls += 1;
          return (value as (...args: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    // Syncs far apart, so any limiter call during the requests would be one per request.
    const sut = await start({ appRedis: counting, env: { RATE_LIMIT_SYNC_INTERVAL_MS: '60000', RATE_LIMIT_STALE_AFTER_MS: '120000' } });
    const atStart = limiterCalls;
    const statuses = [];
    for (let index = 0; index < 4; index += 1) statuses.push((await fetch(`${sut.url}/api/v1/nope`)).status);
    expect(statuses).toEqual([404, 404, 404, 429]);
    expect(limiterCalls).toBe(atStart);
  });

  it('fails closed with 503 once Redis has been unreachable for the staleness bound, and recovers by itself', async () => {
    const proxy = new TcpProxy('redis://127.0.0.1:6379');
    const client = createClient({ url: `redis://${await proxy.start()}`, disableOfflineQueue: true, socket: { reconnectStrategy: () => 50 } });
    client.on('error', () => undefined);
    await client.connect();
    try {
      const sut = await start({ appRedis: client, env: { RATE_LIMIT_IP_PER_MINUTE: '1000', RATE_LIMIT_SYNC_INTERVAL_MS: '20', RATE_LIMIT_STALE_AFTER_MS: '300' } });
      const status = async () => (await fetch(`${sut.url}/api/v1/nope`)).status;
      expect(await status()).toBe(404);
      proxy.cut();
      await expect.poll(status, patiently).toBe(503);
      const problem = await (await fetch(`${sut.url}/api/v1/nope`)).json();
      expect(problem).toMatchObject({ code: 'UNAVAILABLE', status: 503 });
      proxy.restore();
      await expect.poll(status, patiently).toBe(404);
    } finally {
      proxy.restore();
      client.destroy();
      await proxy.stop();
    }
  });

  it('still limits clients past the bucket cap, through Redis', async () => {
    const sut = await start({ env: { RATE_LIMIT_MAX_BUCKETS: '1' } });
    const from = (ip: string) => fetch(`${sut.url}/api/v1/nope`, { headers: { 'x-forwarded-for': ip } });
    expect((await from('198.51.100.1')).status).toBe(404); // the one tracked in memory
    const responses = [];
    for (let index = 0; index < 4; index += 1) responses.push(await from('198.51.100.2'));
    expect(responses.map((response) => response.status)).toEqual([404, 404, 404, 429]);
    expect(responses.map((response) => response.headers.get('ratelimit-remaining'))).toEqual(['2', '1', '0', '0']);
    expect(Number(responses[3]!.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('ipRateLimit alongside', () => {
  const result = { allowed: true, limit: 5, remaining: 4, resetSeconds: 60, retryAfterSeconds: 0 };
  const req = { ip: '203.0.113.9' } as Request;
  const res = { setHeader: () => res } as unknown as Response;

  it('is not started when the limiter answers from memory', () => {
    const started: Request[] = [];
    ipRateLimit({ consume: () => result }, { alongside: (request) => started.push(request) })(req, res, () => undefined);
    expect(started).toEqual([]);
  });

  it('is started beside the limiter Redis round trip of a client past the cap', async () => {
    const started: Request[] = [];
    const next = vi.fn();
    await ipRateLimit({ consume: () => Promise.resolve(result) }, { alongside: (request) => started.push(request) })(req, res, next);
    expect(started).toEqual([req]);
    expect(next).toHaveBeenCalledOnce();
  });
});

describe(clientBucket.name, () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002::9', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    [undefined, 'unknown'],
  ])('puts %s in bucket %s', (ip, bucket) => {
    expect(clientBucket(ip)).toBe(bucket);
  });
});
