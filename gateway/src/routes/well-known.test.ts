import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectTestRedis, fakeClients, startTestGateway, type TestGateway, type TestRedis } from '../testing/harness.ts';
import { createSigningKey } from '../testing/tokens.ts';
import { wellKnownRoutes } from './well-known.ts';

describe(wellKnownRoutes.name, () => {
  let redis: TestRedis;
  let sut: TestGateway;

  beforeAll(async () => {
    redis = await connectTestRedis();
    const key = await createSigningKey('k1');
    const clients = fakeClients({
      // Even if auth ever returned a private part, the response schema drops it.
      auth: { getJwks: async () => ({ keys: [{ ...key.publicJwk, d: 'private!' } as typeof key.publicJwk] }) },
    });
    sut = await startTestGateway({ redis, signingKey: key, clients });
  });

  afterAll(async () => {
    await sut.close();
    await redis.close();
  });

  it('publishes the public signing keys, cacheable for five minutes', async () => {
    const response = await fetch(`${sut.url}/.well-known/jwks.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    expect(response.headers.get('pragma')).toBeNull();
    const body = (await response.json()) as { keys: Array<Record<string, string>> };
    expect(body.keys).toHaveLength(1);
    expect(body.keys[0]).toMatchObject({ kid: 'k1', kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    expect(body.keys[0]).not.toHaveProperty('d');
  });
});
