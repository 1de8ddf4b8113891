import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { RevocationMirror } from './revocation-mirror.ts';
import { revocationKeys } from './revocation-list.ts';
import { mirrorTestKit, patiently } from './testing/mirror-test-kit.ts';

describe(`${RevocationMirror.name} against Redis`, { timeout: 30_000 }, () => {
  const kit = mirrorTestKit();
  const { redis, freshPrefix, connect, writer, mirror, answersFromMemory, provenAfter } = kit;

  it('revoke stores a key with its TTL, indexes it by expiry and publishes it', async () => {
    freshPrefix();
    const keys = revocationKeys(kit.prefix);
    const messages: string[] = [];
    const listener = await connect();
    await listener.subscribe(keys.channel, (message) => messages.push(message));
    const list = await writer();
    const sessionIds = [randomUUID(), randomUUID()];

    await list.revoke([...sessionIds, sessionIds[0]!]);

    for (const sessionId of sessionIds) {
      expect(await list.isRevoked(sessionId)).toBe(true);
      const ttl = await redis.ttl(keys.session(sessionId));
      expect(ttl).toBeGreaterThan(900);
      expect(ttl).toBeLessThanOrEqual(960);
    }
    expect(await list.isRevoked(randomUUID())).toBe(false);
    const indexed = await redis.zRangeWithScores(keys.index, 0, -1);
    expect(indexed.map((entry) => entry.value).sort()).toEqual([...sessionIds].sort());
    await vi.waitFor(() => expect(messages).toHaveLength(1), patiently);
    const published = JSON.parse(messages[0]!) as { t: string; exp: number; ids: string[] };
    expect(published).toEqual({ t: 'r', exp: indexed[0]!.score, ids: sessionIds });
    // Expiry in ms on Redis's clock, the key's lifetime ahead.
    const [seconds] = await redis.time();
    expect(published.exp - Number(seconds) * 1000).toBeGreaterThan(900_000);
  });

  it('prunes expired entries from the index on the next write', async () => {
    freshPrefix();
    const keys = revocationKeys(kit.prefix);
    const short = await writer(1, 0);
    const early = randomUUID();
    await short.revoke([early]);
    await vi.waitFor(async () => expect(await redis.exists(keys.session(early))).toBe(0), patiently);
    const late = randomUUID();
    await (await writer()).revoke([late]);
    expect((await redis.zRange(keys.index, 0, -1))).toEqual([late]);
    expect(await redis.pTTL(keys.index)).toBeGreaterThan(900_000);
  });

  it("sees another process's revocation within its bound, then answers from memory", async () => {
    freshPrefix();
    const { sut, direct } = await mirror();
    const list = await writer();
    const sessionId = randomUUID();
    await vi.waitFor(() => expect(sut.status().fresh).toBe(true), patiently);
    await answersFromMemory(sut, direct, sessionId, false);

    await list.revoke([sessionId]);
    const revoked = performance.now();

    // Once a heartbeat sent after the revocation is back, memory must know it.
    await provenAfter(sut, revoked);
    await answersFromMemory(sut, direct, sessionId, true);
    await answersFromMemory(sut, direct, randomUUID(), false);
  });

  it('loads the revocations made before it started', async () => {
    freshPrefix();
    const list = await writer();
    const earlier = [randomUUID(), randomUUID()];
    await list.revoke([earlier[0]!]);
    await list.revoke([earlier[1]!]);

    const { sut, direct } = await mirror();

    for (const sessionId of earlier) await answersFromMemory(sut, direct, sessionId, true);
    await answersFromMemory(sut, direct, randomUUID(), false);
    expect(sut.status().size).toBe(2);
  });

  it('forgets entries once they expire', async () => {
    freshPrefix();
    const { sut, direct } = await mirror({ pruneIntervalMs: 20, localTtlSeconds: 1 });
    const list = await writer(1, 0);
    const published = randomUUID();
    const local = randomUUID();
    await list.revoke([published]);
    sut.sessionsEnded([local]);
    await answersFromMemory(sut, direct, published, true);
    expect(sut.status().size).toBe(2);

    await vi.waitFor(() => expect(sut.status().size).toBe(0), patiently);
    await answersFromMemory(sut, direct, published, false);
    await answersFromMemory(sut, direct, local, false);
  });
});
