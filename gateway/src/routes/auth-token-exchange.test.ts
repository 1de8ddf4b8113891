import type { ExchangeTokenRequest } from '#gen/egp/auth/v1/auth_service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '#libs/errors';
import { connectTestRedis, fakeClients, postJson, startTestGateway, type TestGateway, type TestRedis } from '../testing/harness.ts';
import { createSigningKey, signAccessToken, signServiceToken, type TestSigningKey } from '../testing/tokens.ts';
import { authRoutes } from './auth.ts';

const organizationId = '0196b6c8-0000-7000-8000-0000000000aa';

describe(`${authRoutes.name}: token exchange`, () => {
  let redis: TestRedis;
  let sut: TestGateway;
  let key: TestSigningKey;
  const calls: Array<{ rpc: string; request: unknown }> = [];

  beforeAll(async () => {
    redis = await connectTestRedis();
    key = await createSigningKey();
    const clients = fakeClients({
      auth: {
        exchangeToken: async (request: ExchangeTokenRequest) => {
          calls.push({ rpc: 'exchangeToken', request });
          if (request.organizationId === organizationId) {
            return { accessToken: 'svc', issuedTokenType: 'urn:ietf:params:oauth:token-type:access_token', tokenType: 'Bearer', expiresIn: 900, scope: 'members:read' };
          }
          throw AppError.notFound('Organization');
        },
      },
    });
    sut = await startTestGateway({ redis, signingKey: key, clients, revocations: { isRevoked: async () => false, sessionsEnded: () => undefined } });
  });

  afterAll(async () => {
    await sut.close();
    await redis.close();
  });

  const exchange = async (body: unknown, token?: string) =>
    postJson(`${sut.url}/api/v1/auth/token/exchange`, body, { Authorization: `Bearer ${token ?? (await signAccessToken(key))}` });

  it('answers the service token in the documented shape', async () => {
    const response = await exchange({ organization_id: organizationId, scope: 'members:read' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      access_token: 'svc',
      issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      token_type: 'Bearer',
      expires_in: 900,
      scope: 'members:read',
    });
    expect(calls.at(-1)).toMatchObject({ rpc: 'exchangeToken', request: { organizationId, scope: 'members:read' } });
  });

  it('answers 404 for an organization the caller is not in', async () => {
    const response = await exchange({ organization_id: '0196b6c8-0000-7000-8000-0000000000ff' });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses a valid service token with 403 (no challenge), before asking auth', async () => {
    const before = calls.length;
    const response = await exchange({ organization_id: organizationId }, await signServiceToken(key));
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toBeNull();
    expect(await response.json()).toMatchObject({ code: 'FORBIDDEN', detail: "This route needs the user's own access token, not a service token." });
    expect(calls.length).toBe(before);
  });

  it('needs a signed-in user', async () => {
    expect((await postJson(`${sut.url}/api/v1/auth/token/exchange`, { organization_id: organizationId })).status).toBe(401);
  });

  it.each([
    ['a missing organization_id', {}],
    ['a non-uuid organization_id', { organization_id: 'acme' }],
    ['a non-uuid app_id', { organization_id: organizationId, app_id: 'x' }],
    ['a scope over 1000 characters', { organization_id: organizationId, scope: 's'.repeat(1001) }],
    ['an empty scope', { organization_id: organizationId, scope: '' }],
    ['a scope of blanks', { organization_id: organizationId, scope: '  ' }],
    ['an unknown field', { organization_id: organizationId, role: 'OWNER' }],
  ])('refuses %s with 400', async (_case, body) => {
    expect((await exchange(body)).status).toBe(400);
  });
});
