import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangePasswordRequest } from '#gen/egp/auth/v1/auth_service';
import type { UpdateProfileRequest } from '#gen/egp/profile_data/v1/profile_data_service';
import type { CallOptions } from '#libs/grpc';
import { connectTestRedis, fakeClients, startTestGateway, type TestGateway, type TestRedis } from '../testing/harness.ts';
import { createSigningKey, signAccessToken, signServiceToken, type TestSigningKey } from '../testing/tokens.ts';
import { userRoutes } from './users.ts';

const userId = '0196b6c8-0000-7000-8000-000000000001';

describe(userRoutes.name, () => {
  let redis: TestRedis;
  let key: TestSigningKey;
  let sut: TestGateway;
  const calls: Array<{ rpc: string; options: CallOptions }> = [];
  const updates: UpdateProfileRequest[] = [];
  const passwordChanges: ChangePasswordRequest[] = [];

  beforeAll(async () => {
    redis = await connectTestRedis();
    key = await createSigningKey();
    const view = {
      userId,
      email: 'ada@example.com',
      displayName: 'Ada',
      avatarUrl: 'https://img.example/a.png',
      wallets: [{ address: '0xabc', chainId: 1 }],
      createdAt: '2026-01-01T00:00:00Z',
      updatedAt: '2026-02-01T00:00:00Z',
    };
    const clients = fakeClients({
      auth: {
        getUser: async (_request, options) => {
          // profile-data answers the whole user; the gateway must not ask auth any more.
          calls.push({ rpc: 'auth.getUser', options });
          return {};
        },
        changePassword: async (request) => {
          passwordChanges.push(request);
          return {};
        },
      },
      profileData: {
        getUser: async (_request, options) => {
          calls.push({ rpc: 'getUser', options });
          return { user: view };
        },
        updateProfile: async (request, options) => {
          calls.push({ rpc: 'updateProfile', options });
          updates.push(request);
          const avatarUrl = request.clearAvatarUrl ? undefined : (request.avatarUrl ?? view.avatarUrl);
          return { user: { ...view, displayName: request.displayName ?? view.displayName, avatarUrl, updatedAt: '2026-03-01T00:00:00Z' } };
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

  it("answers the signed-in user from profile-data alone, in the documented shape", async () => {
    calls.length = 0;
    const response = await me({ Authorization: `Bearer ${await signAccessToken(key)}`, 'X-Request-Id': 'me-1' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      id: userId,
      email: 'ada@example.com',
      display_name: 'Ada',
      avatar_url: 'https://img.example/a.png',
      wallets: [{ address: '0xabc', chain_id: 1 }],
      created_at: '2026-01-01T00:00:00Z',
      updated_at: '2026-02-01T00:00:00Z',
    });
    expect(calls.map((call) => call.rpc)).toEqual(['getUser']);
    const options = calls[0]?.options;
    expect(options).toMatchObject({
      principal: { kind: 'user', userId, sessionId: 'session-1', tokenType: 'access', ip: '127.0.0.1' },
      requestId: 'me-1',
      idempotent: true,
    });
    expect(options?.deadline).toBeInstanceOf(Date);
  });

  it('reuses one frozen principal per token and address, so its internal assertion is signed once', async () => {
    calls.length = 0;
    const token = await signAccessToken(key);
    for (let i = 0; i < 3; i += 1) expect((await me({ Authorization: `Bearer ${token}` })).status).toBe(200);
    expect((await me({ Authorization: `Bearer ${await signAccessToken(key, { claims: { sid: 'session-2' } })}` })).status).toBe(200);
    const principals = calls.map((call) => call.options.principal);
    expect(principals[1]).toBe(principals[0]);
    expect(principals[2]).toBe(principals[0]);
    expect(Object.isFrozen(principals[0])).toBe(true);
    expect(principals[3]).not.toBe(principals[0]);
    expect(principals[3]).toMatchObject({ kind: 'user', userId, sessionId: 'session-2' });
  });

  it('asks an anonymous caller to authenticate', async () => {
    const response = await me();
    expect(response.status).toBe(401);
    // No token was offered: the challenge names the scheme, and no error (RFC 6750 §3.1).
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="egp-accounts"');
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

  it('refuses a valid service token where the user themself must act: 403, no challenge', async () => {
    const response = await me({ Authorization: `Bearer ${await signServiceToken(key)}` });
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toBeNull();
    expect(await response.json()).toMatchObject({ code: 'FORBIDDEN', detail: "This route needs the user's own access token, not a service token." });
  });

  it('refuses an invalid service token with the generic 401', async () => {
    const response = await me({ Authorization: `Bearer ${await signServiceToken(key, { expiresIn: -60, issuedAgo: 600 })}` });
    expect(response.status).toBe(401);
  });

  describe('PUT /users/me', () => {
    const put = async (body: unknown, path = '/api/v1/users/me') =>
      fetch(`${sut.url}${path}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', Authorization: `Bearer ${await signAccessToken(key)}` },
        body: JSON.stringify(body),
      });

    it('updates the caller\'s profile and answers the GET /users/me shape, in one call', async () => {
      calls.length = 0;
      const response = await put({ display_name: ' Ada L. ', avatar_url: 'https://img.example/b.png' });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        id: userId,
        email: 'ada@example.com',
        display_name: 'Ada L.',
        avatar_url: 'https://img.example/b.png',
        wallets: [{ address: '0xabc', chain_id: 1 }],
        created_at: '2026-01-01T00:00:00Z',
        updated_at: '2026-03-01T00:00:00Z',
      });
      expect(updates.at(-1)).toEqual({ userId, displayName: 'Ada L.', avatarUrl: 'https://img.example/b.png', clearAvatarUrl: false });
      expect(calls.map((call) => call.rpc)).toEqual(['updateProfile']);
    });

    it('removes the avatar when avatar_url is null', async () => {
      const response = await put({ avatar_url: null });
      expect(response.status).toBe(200);
      expect(updates.at(-1)).toEqual({ userId, displayName: undefined, avatarUrl: undefined, clearAvatarUrl: true });
      expect(await response.json()).toMatchObject({ avatar_url: null });
    });

    it.each([
      ['an empty body', {}, 'body'],
      ['email', { email: 'evil@example.com' }, 'email'],
      ['id', { id: userId, display_name: 'A' }, 'id'],
      ['roles', { display_name: 'A', roles: ['OWNER'] }, 'roles'],
      ['an http avatar', { avatar_url: 'http://img.example/a.png' }, 'avatar_url'],
      ['a relative avatar', { avatar_url: '/a.png' }, 'avatar_url'],
      ['credentials in the avatar URL', { avatar_url: 'https://u:p@img.example/a.png' }, 'avatar_url'],
      ['a 101-character name', { display_name: 'n'.repeat(101) }, 'display_name'],
      ['a blank name', { display_name: '   ' }, 'display_name'],
      ['a null name', { display_name: null }, 'display_name'],
      ['a NUL in the name', { display_name: 'Ada\u0000' }, 'display_name'],
      ['a control character in the name', { display_name: 'A\u0007da' }, 'display_name'],
      ['a bidi override in the name', { display_name: 'Ada\u202Egnp.exe' }, 'display_name'],
      ['a bidi isolate in the name', { display_name: '\u2066Ada' }, 'display_name'],
    ])('refuses %s with 400 naming the field', async (_case, body, field) => {
      const before = updates.length;
      const response = await put(body);
      expect(response.status).toBe(400);
      const problem = (await response.json()) as { errors: Array<{ field: string }> };
      expect(problem.errors.map((error) => error.field)).toContain(field);
      expect(updates.length).toBe(before);
    });
  });

  describe('PUT /users/me/password', () => {
    const put = async (body: unknown, token?: string) =>
      fetch(`${sut.url}/api/v1/users/me/password`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', Authorization: `Bearer ${token ?? (await signAccessToken(key))}` },
        body: JSON.stringify(body),
      });

    it('answers 204 without a body', async () => {
      const response = await put({ current_password: 'old password', new_password: 'new password' });
      expect(response.status).toBe(204);
      expect(await response.text()).toBe('');
      expect(passwordChanges.at(-1)).toEqual({ currentPassword: 'old password', newPassword: 'new password' });
    });

    it.each([
      ['a new password over 128 characters', { current_password: 'old password', new_password: 'x'.repeat(129) }],
      ['a current password over 128 characters', { current_password: 'x'.repeat(129), new_password: 'new password' }],
      ['a missing field', { new_password: 'new password' }],
    ])('refuses %s with 400 before auth sees it', async (_case, body) => {
      const before = passwordChanges.length;
      expect((await put(body)).status).toBe(400);
      expect(passwordChanges.length).toBe(before);
    });

    it('refuses a service token', async () => {
      expect((await put({ current_password: 'a', new_password: 'b' }, await signServiceToken(key))).status).toBe(403);
    });
  });
});
