import { describe, expect, it } from 'vitest';
import type { Jwk } from '#gen/egp/auth/v1/auth_service';
import { createSigningKey } from '../testing/tokens.ts';
import { JwksKeyStore } from './jwks-key-store.ts';

function countingSource(keys: () => Jwk[]) {
  const source = { calls: 0, fetch: async () => (source.calls++, keys()) };
  return source;
}

describe(JwksKeyStore.name, () => {
  it('serves keys from cache until the TTL passes', async () => {
    const key = await createSigningKey('k1');
    const source = countingSource(() => [key.publicJwk]);
    let now = 0;
    const sut = new JwksKeyStore(source.fetch, { ttlSeconds: 300, refetchCooldownSeconds: 30, now: () => now });
    expect(await sut.keyFor('k1')).toBeDefined();
    now = 299_000;
    await sut.keyFor('k1');
    expect(source.calls).toBe(1);
    now = 300_000;
    await sut.keyFor('k1');
    expect(source.calls).toBe(2);
  });

  it('refetches for an unknown kid at most once per cooldown', async () => {
    const first = await createSigningKey('old');
    const rotated = await createSigningKey('new');
    let published = [first.publicJwk];
    const source = countingSource(() => published);
    let now = 0;
    const sut = new JwksKeyStore(source.fetch, { ttlSeconds: 300, refetchCooldownSeconds: 30, now: () => now });
    await sut.keyFor('old');
    now = 10_000;
    expect(await sut.keyFor('garbage')).toBeUndefined();
    expect(source.calls).toBe(1);
    now = 31_000;
    published = [rotated.publicJwk, first.publicJwk];
    expect(await sut.keyFor('new')).toBeDefined();
    expect(await sut.keyFor('garbage')).toBeUndefined();
    expect(source.calls).toBe(2);
  });

  it('shares one fetch among concurrent lookups and ignores unusable keys', async () => {
    const key = await createSigningKey('k1');
    const rsa: Jwk = { kid: 'rsa', kty: 'RSA', crv: '', x: '', alg: 'RS256', use: 'sig' };
    const source = countingSource(() => [key.publicJwk, rsa]);
    const sut = new JwksKeyStore(source.fetch, { ttlSeconds: 300, refetchCooldownSeconds: 30 });
    const found = await Promise.all([sut.keyFor('k1'), sut.keyFor('k1'), sut.keyFor('rsa')]);
    expect(found.map((entry) => entry !== undefined)).toEqual([true, true, false]);
    expect(source.calls).toBe(1);
  });
});
