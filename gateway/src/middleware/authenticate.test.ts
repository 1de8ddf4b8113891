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
    // JWKS is the one route that shows the principal a request was given (through its call options).
    const clients = fakeClients({
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

  const jwks = (token: string, url = sut.url) => fetch(`${url}/.well-known/jwks.json`, { headers: { Authorization: `Bearer ${token}` } });

  it('turns an access token into a user principal', async () => {
    expect((await jwks(await signAccessToken(key))).status).toBe(200);
    expect(seen.at(-1)).toEqual({ kind: 'user', tokenType: 'access', userId, sessionId: 'session-1', ip: '127.0.0.1' });
  });

  it('turns a service token into a user principal bound to its organization', async () => {
    expect((await jwks(await signServiceToken(key))).status).toBe(200);
    expect(seen.at(-1)).toEqual({
      kind: 'user',
      tokenType: 'service',
      organizationId: TEST_ORGANIZATION_ID,
      amr: ['pwd'],
      userId,
      sessionId: 'session-1',
      ip: '127.0.0.1',
    });
  });

  it('refuses the tokens of a revoked session at once, access and service alike', async () => {
    const sessionId = 'session-revoked';
    await redis.set(`${sut.prefix}revoked-session:${sessionId}`, '1', { EX: 60 });
    for (const token of [await signAccessToken(key, { claims: { sid: sessionId } }), await signServiceToken(key, { claims: { sid: sessionId } })]) {
      const response = await jwks(token);
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ code: 'UNAUTHENTICATED', detail: 'The access token is invalid or expired.' });
    }
    // Other sessions are unaffected.
    expect((await jwks(await signAccessToken(key))).status).toBe(200);
  });

  it('fails closed with 503 when the revocation list cannot be read', async () => {
    // Rate limiting still works; only the revocation lookup fails.
    const flaky: GatewayRedis = {
      evalSha: (sha, options) => redis.evalSha(sha, options),
      eval: (script, options) => redis.eval(script, options),
      del: (name) => redis.del(name),
      ping: () => redis.ping(),
      set: (name, value, options) => redis.set(name, value, options),
      exists: () => Promise.reject(new Error('Socket closed unexpectedly')),
    };
    const gateway = await startTestGateway({ redis, appRedis: flaky, signingKey: key });
    try {
      const response = await jwks(await signAccessToken(key), gateway.url);
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
