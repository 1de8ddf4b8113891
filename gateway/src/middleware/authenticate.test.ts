import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '#libs/identity';
import type { GatewayRedis } from '../app.ts';
import { connectTestRedis, fakeClients, startTestGateway, type TestGateway, type TestRedis } from '../testing/harness.ts';
import { createSigningKey, signAccessToken, signServiceToken, TEST_ORGANIZATION_ID, type TestSigningKey } from '../testing/tokens.ts';
import { authenticate } from './authenticate.ts';

const userId = '0196b6c8-0000-7000-8000-000000000001';

describe(authenticate.name, () => {
  let redis: TestRedis;
  let key: TestSigningKey;
  let sut: TestGateway;
  const seen: Principal[] = [];

  beforeAll(async () => {
    redis = await connectTestRedis();
    key = await createSigningKey();
    // Two routes that show the principal a request was given (through their call options):
    // GET /organizations (users and service tokens) and the JWKS (anyone).
    const clients = fakeClients({
      org: {
        listMyOrganizations: async (_request, options) => {
          seen.push(options.principal);
          return { organizations: [] };
        },
      },
      auth: {
        getJwks: async (_request, options) => {
          seen.push(options.principal);
          return { keys: [] };
        },
      },
    });
    sut = await startTestGateway({ redis, signingKey: key, clients });
  });

  afterAll(async () => {
    await sut.close();
    await redis.close();
  });

  const organizations = (token: string, url = sut.url, headers: Record<string, string> = {}) =>
    fetch(`${url}/api/v1/organizations`, { headers: { Authorization: `Bearer ${token}`, ...headers } });
  const jwks = (headers: Record<string, string>) => fetch(`${sut.url}/.well-known/jwks.json`, { headers });

  it('turns an access token into a user principal', async () => {
    expect((await organizations(await signAccessToken(key))).status).toBe(200);
    expect(seen.at(-1)).toEqual({ kind: 'user', tokenType: 'access', userId, sessionId: 'session-1', ip: '127.0.0.1' });
  });

  it('turns a service token into a user principal bound to its organization', async () => {
    expect((await organizations(await signServiceToken(key))).status).toBe(200);
    expect(seen.at(-1)).toMatchObject({
      kind: 'user',
      tokenType: 'service',
      organizationId: TEST_ORGANIZATION_ID,
      amr: ['pwd'],
      userId,
      sessionId: 'session-1',
      ip: '127.0.0.1',
    });
  });

  it.each([
    ['an IPv4-mapped address', '::ffff:203.0.113.7', '203.0.113.7'],
    ['an IPv6 address', '2001:db8:aa:bb:1:2:3:4', '2001:db8:aa:bb::/64'],
    ['another address in the same /64', '2001:db8:aa:bb:ffff::9', '2001:db8:aa:bb::/64'],
  ])("gives services the rate limiter's bucket as the IP, for %s", async (_case, forwarded, bucket) => {
    expect((await organizations(await signAccessToken(key), sut.url, { 'X-Forwarded-For': forwarded })).status).toBe(200);
    expect(seen.at(-1)).toMatchObject({ kind: 'user', ip: bucket });
    expect((await jwks({ 'X-Forwarded-For': forwarded })).status).toBe(200);
    expect(seen.at(-1)).toEqual({ kind: 'anonymous', ip: bucket });
  });

  it.each([
    ['a garbage bearer', { Authorization: 'Bearer garbage' }],
    ['a malformed header', { Authorization: 'Token abc' }],
    ['a bearer and an API key', { Authorization: 'Bearer x', 'X-API-Key': 'egp_live_abc' }],
  ])('ignores %s on routes anyone may call: the caller is anonymous', async (_case, headers) => {
    expect((await jwks(headers)).status).toBe(200);
    expect(seen.at(-1)).toEqual({ kind: 'anonymous', ip: '127.0.0.1' });
  });

  it('ignores even a valid token on routes anyone may call', async () => {
    expect((await jwks({ Authorization: `Bearer ${await signAccessToken(key)}` })).status).toBe(200);
    expect(seen.at(-1)).toEqual({ kind: 'anonymous', ip: '127.0.0.1' });
  });

  it('still refuses a bad token on routes that need a caller', async () => {
    const response = await organizations('garbage');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="egp-accounts", error="invalid_token"');
  });

  it('refuses the tokens of a revoked session at once, access and service alike', async () => {
    const sessionId = 'session-revoked';
    await redis.set(`${sut.prefix}revoked-session:${sessionId}`, '1', { EX: 60 });
    for (const token of [await signAccessToken(key, { claims: { sid: sessionId } }), await signServiceToken(key, { claims: { sid: sessionId } })]) {
      const response = await organizations(token);
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ code: 'UNAUTHENTICATED', detail: 'The access token is invalid or expired.' });
    }
    // Other sessions are unaffected.
    expect((await organizations(await signAccessToken(key))).status).toBe(200);
  });

  it('fails closed with 503 when the revocation list cannot be read', async () => {
    // Rate limiting still works; only the revocation lookup fails.
    const flaky: GatewayRedis = {
      evalSha: (sha, options) => redis.evalSha(sha, options),
      eval: (script, options) => redis.eval(script, options),
      del: (name) => redis.del(name),
      ping: () => redis.ping(),
      exists: () => Promise.reject(new Error('Socket closed unexpectedly')),
    };
    const gateway = await startTestGateway({ redis, appRedis: flaky, signingKey: key });
    try {
      const response = await organizations(await signAccessToken(key), gateway.url);
      expect(response.status).toBe(503);
      const problem = await response.json();
      expect(problem).toMatchObject({ code: 'UNAVAILABLE' });
      expect(JSON.stringify(problem)).not.toContain('Socket');
      // Anonymous callers never touch the list.
      expect((await fetch(`${gateway.url}/api/v1/nope`)).status).toBe(404);
    } finally {
      await gateway.close();
    }
  });
});
