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

  it('keeps serving the cached keys when a refresh fails, and backs off before trying again', async () => {
    const key = await createSigningKey('k1');
    let failing = false;
    const source = countingSource(() => {
      if (failing) throw new Error('auth unavailable');
      return [key.publicJwk];
    });
    let now = 0;
    const sut = new JwksKeyStore(source.fetch, { ttlSeconds: 300, refetchCooldownSeconds: 30, retryAfterErrorSeconds: 5, now: () => now });
    expect(await sut.keyFor('k1')).toBeDefined();
    failing = true;
    now = 301_000;
    expect(await sut.keyFor('k1')).toBeDefined();
    expect(source.calls).toBe(2);
    // Within the back-off, no request reaches the failing source.
    now = 305_000;
    expect(await sut.keyFor('k1')).toBeDefined();
    expect(await sut.keyFor('unknown')).toBeUndefined();
    expect(source.calls).toBe(2);
    now = 306_000;
    expect(await sut.keyFor('k1')).toBeDefined();
    expect(source.calls).toBe(3);
    // Recovered: fresh keys, and the normal TTL again.
    failing = false;
    now = 312_000;
    expect(await sut.keyFor('k1')).toBeDefined();
    expect(source.calls).toBe(4);
    now = 320_000;
    await sut.keyFor('k1');
    expect(source.calls).toBe(4);
  });

  it('fails closed while no keys were ever fetched', async () => {
    const source = countingSource(() => {
      throw new Error('auth unavailable');
    });
    const sut = new JwksKeyStore(source.fetch, { ttlSeconds: 300, refetchCooldownSeconds: 30 });
    await expect(sut.keyFor('k1')).rejects.toThrow('auth unavailable');
    await expect(sut.keyFor('k1')).rejects.toThrow('auth unavailable');
    expect(source.calls).toBe(2);
  });
});
