import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayRedis } from '../app.ts';
import { connectTestRedis, startTestGateway, type TestGateway, type TestRedis } from '../testing/harness.ts';
import { createSigningKey, signAccessToken } from '../testing/tokens.ts';
import { clientBucket, ipRateLimit } from './rate-limit.ts';

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

  async function start(options: { appRedis?: GatewayRedis } = {}) {
    const gateway = await startTestGateway({ redis, signingKey: await createSigningKey(), env: { RATE_LIMIT_IP_PER_MINUTE: '3' }, ...options });
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
      set: () => Promise.reject(new Error('The client is closed')),
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

  it('sends the session check beside the limiter call, not after its answer', async () => {
    const events: string[] = [];
    const recording: GatewayRedis = {
      evalSha: async (...args: Parameters<GatewayRedis['evalSha']>) => {
        events.push('limit sent');
        const answer = await redis.evalSha(...args);
        events.push('limit answered');
        return answer;
      },
      eval: (...args: Parameters<GatewayRedis['eval']>) => redis.eval(...args),
      del: (...args: Parameters<GatewayRedis['del']>) => redis.del(...args),
      set: (...args: Parameters<GatewayRedis['set']>) => redis.set(...args),
      exists: (...args: Parameters<GatewayRedis['exists']>) => {
        events.push('session check sent');
        return redis.exists(...args);
      },
      ping: () => redis.ping(),
    };
    const signingKey = await createSigningKey();
    const gateway = await startTestGateway({ redis, signingKey, appRedis: recording, env: { RATE_LIMIT_IP_PER_MINUTE: '100' } });
    gateways.push(gateway);
    await fetch(`${gateway.url}/api/v1/users/me`, { headers: { authorization: `Bearer ${await signAccessToken(signingKey)}` } });
    const sessionCheck = events.indexOf('session check sent');
    expect(sessionCheck).toBeGreaterThan(-1);
    expect(sessionCheck).toBeLessThan(events.lastIndexOf('limit answered'));
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
