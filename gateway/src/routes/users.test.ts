import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallOptions } from '#libs/grpc';
import { connectTestRedis, fakeClients, startTestGateway, type TestGateway, type TestRedis } from '../testing/harness.ts';
import { createSigningKey, signAccessToken, type TestSigningKey } from '../testing/tokens.ts';
import { userRoutes } from './users.ts';

const userId = '0196b6c8-0000-7000-8000-000000000001';

describe(userRoutes.name, () => {
  let redis: TestRedis;
  let key: TestSigningKey;
  let sut: TestGateway;
  const calls: Array<{ rpc: string; options: CallOptions }> = [];

  beforeAll(async () => {
    redis = await connectTestRedis();
    key = await createSigningKey();
    const clients = fakeClients({
      auth: {
        getUser: async (_request, options) => {
          calls.push({ rpc: 'getUser', options });
          const user = { id: userId, email: 'ada@example.com', displayName: 'Old', wallets: [], createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z' };
          return { user };
        },
      },
      profileData: {
        getProfile: async (_request, options) => {
          calls.push({ rpc: 'getProfile', options });
          const profile = { userId, displayName: 'Ada', avatarUrl: 'https://img.example/a.png', createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-02-01T00:00:00Z' };
          return { profile };
        },
      },
    });
    sut = await startTestGateway({ redis, signingKey: key, clients });
  });

  afterAll(async () => {
    await sut.close();
    await redis.close();
  });

  const me = (headers: Record<string, string> = {}) => fetch(`${sut.url}/api/v1/users/me`, { headers });

  it('composes the account and the profile for the signed-in user', async () => {
    const response = await me({ Authorization: `Bearer ${await signAccessToken(key)}`, 'X-Request-Id': 'me-1' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      id: userId,
      email: 'ada@example.com',
      display_name: 'Ada',
      avatar_url: 'https://img.example/a.png',
      wallets: [],
      created_at: '2026-01-01T00:00:00Z',
      updated_at: '2026-02-01T00:00:00Z',
    });
    expect(calls.map((call) => call.rpc).sort()).toEqual(['getProfile', 'getUser']);
    for (const { options } of calls) {
      expect(options).toMatchObject({
        principal: { kind: 'user', userId, sessionId: 'session-1', tokenType: 'access', ip: '127.0.0.1' },
        requestId: 'me-1',
      });
      expect(options.deadline).toBeInstanceOf(Date);
    }
  });

  it('asks an anonymous caller to authenticate', async () => {
    const response = await me();
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it.each([
    ['a malformed header', 'Token abc'],
    ['an expired token', 'expired'],
  ])('refuses %s with the generic 401', async (_case, value) => {
    const authorization = value === 'expired' ? `Bearer ${await signAccessToken(key, { expiresIn: -60, issuedAgo: 600 })}` : value;
    const response = await me({ Authorization: authorization });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ detail: 'The access token is invalid or expired.' });
  });

  it('refuses an API key plainly until API keys are supported', async () => {
    const response = await me({ 'X-API-Key': 'egp_live_abc' });
    expect(response.status).toBe(401);
    const problem = (await response.json()) as { detail: string };
    expect(problem.detail).toContain('API keys are not accepted yet');
  });

  it('does not let a bad token pass as anonymous on public routes', async () => {
    const response = await fetch(`${sut.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', Authorization: 'Bearer garbage' },
      body: JSON.stringify({ email: 'a@example.com', password: 'pw' }),
    });
    expect(response.status).toBe(401);
  });
});
