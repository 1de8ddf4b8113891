import type { LoginRequest, RegisterRequest } from '#gen/egp/auth/v1/auth_service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, type FieldError } from '#libs/errors';
import { connectTestRedis, fakeClients, postJson, startTestGateway, type TestGateway, type TestRedis } from '../testing/harness.ts';
import { createSigningKey } from '../testing/tokens.ts';
import { authRoutes } from './auth.ts';

const account = { id: '0196b6c8-0000-7000-8000-000000000001', email: 'ada@example.com', displayName: 'Ada', wallets: [], createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' };
const tokens = { accessToken: 'at', refreshToken: 'rt', tokenType: 'Bearer', expiresIn: 900 };
const emoji = (count: number) => '🔑'.repeat(count);

/** The one field error of a password over 128 characters. */
function expectLengthRefusal(body: unknown): void {
  const problem = body as { code: string; errors: FieldError[] };
  expect(problem.code).toBe('VALIDATION_FAILED');
  expect(problem.errors).toHaveLength(1);
  expect(problem.errors[0]?.field).toBe('password');
  expect(problem.errors[0]?.message).toContain('128');
}

/** What register and login accept before auth is asked: passwords counted in characters, names that show. */
describe(`${authRoutes.name}: passwords and display names`, () => {
  let redis: TestRedis;
  let sut: TestGateway;
  const registered: RegisterRequest[] = [];
  const logins: LoginRequest[] = [];

  beforeAll(async () => {
    redis = await connectTestRedis();
    const clients = fakeClients({
      auth: {
        register: async (request) => {
          registered.push(request);
          return { user: { ...account, displayName: request.displayName ?? 'ada' }, tokens };
        },
        login: async (request) => {
          logins.push(request);
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

  const register = (body: unknown) => postJson(`${sut.url}/api/v1/auth/register`, body);
  const login = (body: unknown) => postJson(`${sut.url}/api/v1/auth/login`, body);

  it('passes a password of 100 emoji (200 UTF-16 units) on to auth unchanged', async () => {
    const response = await register({ email: 'ada@example.com', password: emoji(100) });
    expect(response.status).toBe(201);
    expect(registered.at(-1)).toEqual({ email: 'ada@example.com', password: emoji(100), displayName: undefined });
  });

  it('refuses a password of 129 emoji with 400 and the field error, auth never asked', async () => {
    const before = registered.length;
    const response = await register({ email: 'ada@example.com', password: emoji(129) });
    expect(response.status).toBe(400);
    expectLengthRefusal(await response.json());
    expect(registered.length).toBe(before);
  });

  it('answers an over-long password at login as before: the same 400 about its length alone, auth never asked', async () => {
    const before = logins.length;
    for (const password of [emoji(129), 'x'.repeat(129)]) {
      const response = await login({ email: 'ada@example.com', password });
      expect(response.status).toBe(400);
      expectLengthRefusal(await response.json());
    }
    expect(logins.length).toBe(before);
  });

  it('lets auth judge a login password of 100 emoji, as any other', async () => {
    const response = await login({ email: 'ada@example.com', password: emoji(100) });
    expect(response.status).toBe(401);
    expect(logins.at(-1)).toEqual({ email: 'ada@example.com', password: emoji(100) });
  });

  it.each([
    ['a zero-width space alone', '\u200B', 'Must not contain control, format or bidirectional override characters.'],
    ['a trailing zero-width space', 'Ada\u200B', 'Must not contain control, format or bidirectional override characters.'],
    ['direction marks alone', '\u200E\u200F', 'Must not contain control, format or bidirectional override characters.'],
    ['joiners alone', '\u200D\u200C', 'Must contain a visible character.'],
  ])('refuses a display name of %s: 400 naming the field, auth never asked', async (_case, displayName, message) => {
    const before = registered.length;
    const response = await register({ email: 'ada@example.com', password: 'pw', display_name: displayName });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'display_name', message }] });
    expect(registered.length).toBe(before);
  });

  it.each([
    ['an emoji ZWJ sequence', '👩\u200D💻 Ada'],
    ['a Persian name with a ZWNJ', 'می\u200Cخواهم'],
  ])('registers a display name with %s, passed on unchanged', async (_case, displayName) => {
    const response = await register({ email: 'ada@example.com', password: 'pw', display_name: displayName });
    expect(response.status).toBe(201);
    expect(registered.at(-1)?.displayName).toBe(displayName);
  });
});
