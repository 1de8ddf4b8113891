import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectTestRedis, fakeClients, startTestGateway, type TestGateway, type TestRedis } from '../testing/harness.ts';
import { createSigningKey } from '../testing/tokens.ts';
import { declaredRouteAuth } from './idempotency.ts';

describe(declaredRouteAuth.name, () => {
  const operations = [
    { method: 'post', path: '/api/v1/organizations', auth: 'user' },
    { method: 'post', path: '/api/v1/auth/register', auth: 'none' },
    { method: 'delete', path: '/api/v1/organizations/:orgId/members/:userId', auth: 'user_or_service_token' },
  ] as unknown as Parameters<typeof declaredRouteAuth>[0];
  const sut = declaredRouteAuth(operations);

  it.each([
    ['POST', '/api/v1/organizations', 'user'],
    ['POST', '/api/v1/organizations/', 'user'],
    ['POST', '/API/V1/Organizations', 'user'],
    ['POST', '/api/v1/auth/register', 'none'],
    ['DELETE', '/api/v1/organizations/A/members/B', 'user_or_service_token'],
    ['PUT', '/api/v1/organizations', undefined],
    ['POST', '/api/v1/nope', undefined],
  ])('finds who may call %s %s, as Express routes it (case-insensitive): %s', (method, path, auth) => {
    expect(sut(method, path)).toBe(auth);
  });
});

describe('Idempotency-Key in the OpenAPI document', () => {
  let redis: TestRedis;
  let sut: TestGateway;

  beforeAll(async () => {
    redis = await connectTestRedis();
    sut = await startTestGateway({ redis, signingKey: await createSigningKey(), clients: fakeClients({}) });
  });

  afterAll(async () => {
    await sut.close();
    await redis.close();
  });

  it('documents the header on the mutations, not on reads', async () => {
    type Parameters = { parameters: Array<{ name: string; in: string }>; responses: Record<string, unknown> };
    const document = (await (await fetch(`${sut.url}/api/v1/openapi.json`)).json()) as { paths: Record<string, Record<string, Parameters>> };
    const organizations = document.paths['/api/v1/organizations']!;
    expect(organizations.post!.parameters).toContainEqual(expect.objectContaining({ name: 'Idempotency-Key', in: 'header' }));
    expect(organizations.post!.responses).toHaveProperty('422');
    expect(organizations.get!.parameters.map((parameter) => parameter.name)).not.toContain('Idempotency-Key');
  });
});
