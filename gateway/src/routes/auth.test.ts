import type { RegisterRequest } from '#gen/egp/auth/v1/auth_service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '#libs/errors';
import { currentRequestId } from '#libs/logging';
import type { CallOptions } from '#libs/grpc';
import { connectTestRedis, fakeClients, postJson, startTestGateway, type TestGateway, type TestRedis } from '../testing/harness.ts';
import { createSigningKey } from '../testing/tokens.ts';
import { authRoutes } from './auth.ts';

const account = {
  id: '0196b6c8-0000-7000-8000-000000000001',
  email: 'ada@example.com',
  displayName: 'Ada',
  wallets: [{ address: '0xabc', chainId: 1 }],
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-02T00:00:00.000Z',
};
const tokens = { accessToken: 'at', refreshToken: 'rt', tokenType: 'Bearer', expiresIn: 900 };

describe(authRoutes.name, () => {
  let redis: TestRedis;
  let sut: TestGateway;
  const registered: Array<{ request: RegisterRequest; options: CallOptions; loggedRequestId: string | undefined }> = [];

  beforeAll(async () => {
    redis = await connectTestRedis();
    const clients = fakeClients({
      auth: {
        register: async (request, options) => {
          registered.push({ request, options, loggedRequestId: currentRequestId() });
          if (request.email === 'taken@example.com') throw AppError.conflict('Email already registered.');
          // A field auth might add one day must not leak through the gateway.
          return { user: { ...account, passwordHash: 'argon2id$...' } as typeof account, tokens };
        },
        login: async () => {
          throw AppError.unauthenticated('Invalid email or password.');
        },
      },
    });
    sut = await startTestGateway({ redis, signingKey: await createSigningKey(), clients });
  });

  afterAll(async () => {
    await sut.close();
    await redis.close();
  });

  const register = (body: unknown, headers?: Record<string, string>) => postJson(`${sut.url}/api/v1/auth/register`, body, headers);

  it('registers: 201 with the user and a Bearer token pair', async () => {
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

  it('answers 409 when the email is taken', async () => {
    const response = await register({ email: 'taken@example.com', password: 'pw' });
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ code: 'CONFLICT', detail: 'Email already registered.' });
  });

  it('answers a failed login with a 401 problem and a WWW-Authenticate challenge', async () => {
    const response = await postJson(`${sut.url}/api/v1/auth/login`, { email: 'ada@example.com', password: 'wrong' });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await response.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});
