import type { RegisterRequest } from '#gen/egp/auth/v1/auth_service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '#libs/errors';
import { currentRequestId } from '#libs/logging';
import type { CallOptions } from '#libs/grpc';
import { connectTestRedis, fakeClients, postJson, startTestGateway, type TestGateway, type TestRedis } from '../testing/harness.ts';
import { createSigningKey, signAccessToken, signServiceToken, type TestSigningKey } from '../testing/tokens.ts';
import { authRoutes } from './auth.ts';

const account = {
  id: '0196b6c8-0000-7000-8000-000000000001',
  email: 'ada@example.com',
  displayName: 'Ada',
  wallets: [{ address: '0xabc', chainId: 1 }],
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-02T00:00:00.000Z',
};
/** The same account after a profile edit auth has copied: name, avatar and the edit's time. */
const editedAccount = { ...account, displayName: 'Ada L.', avatarUrl: 'https://img.example/a.png', updatedAt: '2026-03-01T00:00:00.000Z' };
const tokens = { accessToken: 'at', refreshToken: 'rt', tokenType: 'Bearer', expiresIn: 900 };

describe(authRoutes.name, () => {
  let redis: TestRedis;
  let sut: TestGateway;
  let key: TestSigningKey;
  const calls: Array<{ rpc: string; request: unknown; options: CallOptions }> = [];
  const registered: Array<{ request: RegisterRequest; options: CallOptions; loggedRequestId: string | undefined }> = [];
  /** What the routes told the session check about sessions they ended. */
  const endedCalls: string[][] = [];

  beforeAll(async () => {
    redis = await connectTestRedis();
    key = await createSigningKey();
    const clients = fakeClients({
      profileData: {
        getUser: async (request, options) => {
          calls.push({ rpc: 'getUser', request, options });
          throw new Error('a sign-in must not read profile-data');
        },
      },
      auth: {
        register: async (request, options) => {
          registered.push({ request, options, loggedRequestId: currentRequestId() });
          if (request.email === 'taken@example.com') throw AppError.conflict('Email already registered.');
          // A field auth might add one day must not leak through the gateway.
          return { user: { ...account, passwordHash: 'argon2id$...' } as typeof account, tokens };
        },
        login: async (request, options) => {
          calls.push({ rpc: 'login', request, options });
          if (request.password !== 'right') throw AppError.unauthenticated('Invalid email or password.');
          return { user: editedAccount, tokens: { ...tokens, accessToken: await signAccessToken(key, { claims: { sid: 'session-9' } }) } };
        },
        refresh: async (request, options) => {
          calls.push({ rpc: 'refresh', request, options });
          if (request.refreshToken === 'spent') throw AppError.unauthenticated('The refresh token is invalid or expired.');
          return { tokens: { ...tokens, refreshToken: 'rt-2' } };
        },
        logout: async (request, options) => {
          calls.push({ rpc: 'logout', request, options });
          return {};
        },
      },
    });
    sut = await startTestGateway({ redis, signingKey: key, clients, revocations: { isRevoked: async () => false, sessionsEnded: (ids) => void endedCalls.push([...ids]) } });
  });

  afterAll(async () => {
    await sut.close();
    await redis.close();
  });

  const register = (body: unknown, headers?: Record<string, string>) => postJson(`${sut.url}/api/v1/auth/register`, body, headers);

  it('registers: 201 with the user and a Bearer token pair, from auth alone', async () => {
    const before = calls.length;
    const response = await register({ email: '  ada@example.com ', password: 'correct horse', display_name: 'Ada' }, { 'X-Request-Id': 'reg-1' });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({
      user: {
        id: account.id,
        email: 'ada@example.com',
        display_name: 'Ada',
        avatar_url: null,
        wallets: [{ address: '0xabc', chain_id: 1 }],
        created_at: account.createdAt,
        updated_at: account.updatedAt,
      },
      access_token: 'at',
      refresh_token: 'rt',
      token_type: 'Bearer',
      expires_in: 900,
    });
    const call = registered.at(-1)!;
    expect(call.request).toEqual({ email: 'ada@example.com', password: 'correct horse', displayName: 'Ada' });
    expect(call.options).toMatchObject({ principal: { kind: 'anonymous', ip: '127.0.0.1' }, requestId: 'reg-1' });
    expect(call.options.deadline!.getTime()).toBeGreaterThan(Date.now());
    // Log lines written while handling carry the id, even after the body was streamed in.
    expect(call.loggedRequestId).toBe('reg-1');
    expect(calls.length).toBe(before);
  });

  it('ignores read-only echo fields', async () => {
    const response = await register({ id: 'x', created_at: 'y', updated_at: 'z', organization_id: 'o', email: 'b@example.com', password: 'pw' });
    expect(response.status).toBe(201);
    expect(registered.at(-1)!.request).toEqual({ email: 'b@example.com', password: 'pw', displayName: undefined });
  });

  it('refuses any other unknown field', async () => {
    const response = await register({ email: 'c@example.com', password: 'pw', role: 'OWNER' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errors: [{ field: 'role', message: 'Unknown field.' }] });
  });

  it('lists every invalid field at once', async () => {
    const response = await register({ email: 'not-an-email', password: 'x'.repeat(129), display_name: '' });
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { code: string; errors: Array<{ field: string }> };
    expect(problem.code).toBe('VALIDATION_FAILED');
    expect(problem.errors.map((error) => error.field).sort()).toEqual(['display_name', 'email', 'password']);
  });

  it.each([
    ['an overlong email', { email: `${'a'.repeat(250)}@example.com`, password: 'pw' }],
    ['an empty password', { email: 'a@example.com', password: '' }],
    ['a display name over 100 characters', { email: 'a@example.com', password: 'pw', display_name: 'n'.repeat(101) }],
    ['no body', undefined],
  ])('refuses %s', async (_case, body) => {
    expect((await register(body ?? '')).status).toBe(400);
  });

  it.each([
    ['a NUL', 'Ada\u0000'],
    ['an escape character', 'Ada\u001b[31m'],
    ['a right-to-left override', 'Ada\u202Egnp.exe'],
    ['a first-strong isolate', 'Ada\u2068x\u2069'],
  ])('refuses a display name with %s: 400 naming the field, auth never asked', async (_case, displayName) => {
    const before = registered.length;
    const response = await register({ email: 'nul@example.com', password: 'pw', display_name: displayName });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'display_name' }] });
    expect(registered.length).toBe(before);
  });

  it('answers 409 when the email is taken', async () => {
    const response = await register({ email: 'taken@example.com', password: 'pw' });
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ code: 'CONFLICT', detail: 'Email already registered.' });
  });

  it("signs in and shows the user as auth answers it, its copy of the profile included, with auth's one call", async () => {
    const before = calls.length;
    const response = await postJson(`${sut.url}/api/v1/auth/login`, { email: 'ada@example.com', password: 'right' });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { user: unknown }).user).toEqual({
      id: account.id,
      email: 'ada@example.com',
      display_name: 'Ada L.',
      avatar_url: 'https://img.example/a.png',
      wallets: [{ address: '0xabc', chain_id: 1 }],
      created_at: account.createdAt,
      updated_at: '2026-03-01T00:00:00.000Z',
    });
    expect(calls.slice(before)).toEqual([expect.objectContaining({ rpc: 'login', request: { email: 'ada@example.com', password: 'right' } })]);
  });

  it('signs in as one frozen anonymous principal per client address, so its internal assertion is signed once', async () => {
    const before = calls.length;
    for (let i = 0; i < 2; i += 1) expect((await postJson(`${sut.url}/api/v1/auth/login`, { email: 'ada@example.com', password: 'right' })).status).toBe(200);
    const [first, second] = calls.slice(before).map((call) => call.options.principal);
    expect(first).toEqual({ kind: 'anonymous', ip: '127.0.0.1' });
    expect(second).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('signs in whatever Authorization header comes along (expired token, garbage or an API key)', async () => {
    const expired = await signAccessToken(key, { expiresIn: -60, issuedAgo: 600 });
    const attempts: Array<Record<string, string>> = [{ Authorization: `Bearer ${expired}` }, { Authorization: 'Bearer garbage' }, { 'X-API-Key': 'egp_live_abc', Authorization: 'Bearer x' }];
    for (const headers of attempts) {
      const response = await postJson(`${sut.url}/api/v1/auth/login`, { email: 'ada@example.com', password: 'right' }, headers);
      expect(response.status).toBe(200);
    }
  });

  it('answers a failed login with a 401 problem and a WWW-Authenticate challenge', async () => {
    const response = await postJson(`${sut.url}/api/v1/auth/login`, { email: 'ada@example.com', password: 'wrong' });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await response.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('never blames a token it ignored: a public route with a garbage token, refused for its password', async () => {
    const response = await postJson(`${sut.url}/api/v1/auth/login`, { email: 'ada@example.com', password: 'wrong' }, { Authorization: 'Bearer garbage' });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="egp-accounts"');
  });

  describe('refresh', () => {
    it('rotates: 200 with the new pair, for an anonymous caller', async () => {
      const response = await postJson(`${sut.url}/api/v1/auth/refresh`, { refresh_token: 'rt' });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ access_token: 'at', refresh_token: 'rt-2', token_type: 'Bearer', expires_in: 900 });
      expect(calls.at(-1)).toMatchObject({ rpc: 'refresh', request: { refreshToken: 'rt' }, options: { principal: { kind: 'anonymous' } } });
    });

    it.each([
      ['an expired access token', 'expired'],
      ['a garbage bearer', 'Bearer garbage'],
      ['a malformed header', 'Token abc'],
      ['a valid access token', 'valid'],
    ])('ignores %s: public routes run as anonymous, so a client sending its token everywhere can still refresh', async (_case, value) => {
      const authorization =
        value === 'expired' ? `Bearer ${await signAccessToken(key, { expiresIn: -60, issuedAgo: 600 })}` : value === 'valid' ? `Bearer ${await signAccessToken(key)}` : value;
      const response = await postJson(`${sut.url}/api/v1/auth/refresh`, { refresh_token: 'rt' }, { Authorization: authorization });
      expect(response.status).toBe(200);
      expect(calls.at(-1)).toMatchObject({ rpc: 'refresh', options: { principal: { kind: 'anonymous', ip: '127.0.0.1' } } });
    });

    it('answers a spent token with 401, and has the next requests wait for a view holding the session it may have ended', async () => {
      const before = endedCalls.length;
      const response = await postJson(`${sut.url}/api/v1/auth/refresh`, { refresh_token: 'spent' });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
      expect(endedCalls.slice(before)).toEqual([[]]);
    });

    it.each([[{}], [{ refresh_token: '' }], [{ refresh_token: 'x'.repeat(513) }], [{ refresh_token: 'rt', user_id: 'u' }]])('refuses %j with 400', async (body) => {
      expect((await postJson(`${sut.url}/api/v1/auth/refresh`, body)).status).toBe(400);
    });
  });

  describe('logout', () => {
    it('answers 204 without a body and passes the signed-in user on', async () => {
      const response = await postJson(`${sut.url}/api/v1/auth/logout`, { refresh_token: 'rt' }, { Authorization: `Bearer ${await signAccessToken(key)}` });
      expect(response.status).toBe(204);
      expect(await response.text()).toBe('');
      expect(calls.at(-1)).toMatchObject({ rpc: 'logout', request: { refreshToken: 'rt' }, options: { principal: { kind: 'user', tokenType: 'access', sessionId: 'session-1' } } });
    });

    it('needs a signed-in user', async () => {
      expect((await postJson(`${sut.url}/api/v1/auth/logout`, { refresh_token: 'rt' })).status).toBe(401);
    });

    it('refuses a service token with 403', async () => {
      const response = await postJson(`${sut.url}/api/v1/auth/logout`, { refresh_token: 'rt' }, { Authorization: `Bearer ${await signServiceToken(key)}` });
      expect(response.status).toBe(403);
    });
  });
});
