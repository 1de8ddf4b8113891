import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectTestRedis, type TestRedis } from '../testing/harness.ts';
import { IdempotencyStore, type IdempotencyLock } from './idempotency-store.ts';

const fingerprint = { request: 'POST /api/v1/organizations', bodyHash: 'hash-1' };
const answer = { status: 201, headers: { 'content-type': 'application/json; charset=utf-8' }, body: Buffer.from('{"id":"1"}') };

describe(IdempotencyStore.name, () => {
  let redis: TestRedis;
  const prefix = `test:idempotency:${randomUUID()}:`;

  beforeAll(async () => {
    redis = await connectTestRedis();
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(keys);
    await redis.close();
  });

  const store = (lockTtlMs = 10_000) => new IdempotencyStore(redis, prefix, { answerTtlSeconds: 60, lockTtlMs, secret: 's'.repeat(32) });

  async function claimed(sut: IdempotencyStore, scope: string, key: string): Promise<IdempotencyLock> {
    const claim = await sut.claim(scope, key, fingerprint);
    if (claim.kind !== 'claimed') throw new Error(`expected a claim, got ${claim.kind}`);
    return claim.lock;
  }

  it('claims a key once: then it is in flight, then answered with the bytes saved, for the answer TTL', async () => {
    const sut = store();
    const key = randomUUID();
    const lock = await claimed(sut, 'user:1', key);
    expect(await redis.pTTL(lock.redisKey)).toBeGreaterThan(9_000);
    await expect(sut.claim('user:1', key, { ...fingerprint, bodyHash: 'other' })).resolves.toEqual({ kind: 'in_flight', fingerprint });
    expect(await sut.save(lock, answer)).toBe(true);
    await expect(sut.claim('user:1', key, fingerprint)).resolves.toEqual({ kind: 'answered', fingerprint, answer });
    expect(await redis.ttl(lock.redisKey)).toBeGreaterThan(50);
  });

  it('fingerprints a body by a keyed hash: the same body alike, never a plain SHA-256 of it', () => {
    const body = '{"current_password":"hunter2hunter2","new_password":"correct horse"}';
    const sut = store();
    const { bodyHash } = sut.fingerprint('PUT /api/v1/users/me/password', body);
    expect(sut.fingerprint('PUT /api/v1/users/me/password', body).bodyHash).toBe(bodyHash);
    expect(bodyHash).not.toBe(createHash('sha256').update(body).digest('base64url'));
    const elsewhere = new IdempotencyStore(redis, prefix, { answerTtlSeconds: 60, lockTtlMs: 1_000, secret: 't'.repeat(32) });
    expect(elsewhere.fingerprint('PUT /api/v1/users/me/password', body).bodyHash).not.toBe(bodyHash);
  });

  it('keeps scopes apart and keeps them out of the Redis key name', async () => {
    const sut = store();
    const key = randomUUID();
    const first = await claimed(sut, 'user:1', key);
    const second = await claimed(sut, 'user:2', key);
    expect(second.redisKey).not.toBe(first.redisKey);
    expect(first.redisKey).not.toContain('user:1');
    expect(first.redisKey).not.toContain(key);
  });

  it('frees a released key for the next claim, and an in-flight claim once it expires', async () => {
    const sut = store(50);
    const key = randomUUID();
    await sut.release(await claimed(sut, 'user:1', key));
    await claimed(sut, 'user:1', key);
    await expect.poll(async () => (await sut.claim('user:1', key, fingerprint)).kind, { timeout: 5_000, interval: 20 }).toBe('claimed');
  });

  it('lets only the holder of the current claim save or release it', async () => {
    const sut = store(50);
    const key = randomUUID();
    const expired = await claimed(sut, 'user:1', key);
    await expect.poll(async () => (await sut.claim('user:1', key, fingerprint)).kind, { timeout: 5_000, interval: 20 }).toBe('claimed');
    // The key now belongs to the claim just made: the expired one can neither answer nor free it.
    expect(await sut.save(expired, answer)).toBe(false);
    await sut.release(expired);
    expect((await sut.claim('user:1', key, fingerprint)).kind).toBe('in_flight');
  });
});
