import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { AppError } from '#libs/errors';
import { TcpProxy } from '../../tests/support/tcp-proxy.ts';
import type { MirrorRedis } from './mirror-contract.ts';
import { RevocationMirror } from './revocation-mirror.ts';
import { revocationKeys } from './revocation-list.ts';
import { mirrorTestKit, patiently, redisUrl } from './testing/mirror-test-kit.ts';

describe(`${RevocationMirror.name} against Redis: failures and recovery`, { timeout: 30_000 }, () => {
  const kit = mirrorTestKit();
  const { redis, freshPrefix, connect, writer, mirror, answersFromMemory, provenAfter, subscriberId } = kit;

  it('falls back to the direct check when its subscriber is cut off', async () => {
    freshPrefix();
    const client = await connect();
    // The subscriber never reconnects: its heartbeats stop coming back.
    const stranded: MirrorRedis = {
      publish: (channel, message) => client.publish(channel, message),
      zRangeByScoreWithScores: (key, min, max) => client.zRangeByScoreWithScores(key, min, max),
      duplicate: (overrides) => client.duplicate({ ...overrides, socket: { ...overrides?.socket, reconnectStrategy: false } }),
    };
    const { sut, direct } = await mirror({ redis: stranded, store: client });
    const list = await writer();
    await vi.waitFor(() => expect(sut.status().fresh).toBe(true), patiently);

    await redis.clientKill({ filter: 'ID', id: await subscriberId(sut) });
    const missed = randomUUID();
    await list.revoke([missed]);

    await vi.waitFor(() => expect(sut.status().fresh).toBe(false), patiently);
    const before = direct.calls;
    expect(await sut.isRevoked(missed)).toBe(true);
    expect(await sut.isRevoked(randomUUID())).toBe(false);
    expect(direct.calls).toBe(before + 2);
  });

  it('answers UNAVAILABLE while Redis is unreachable, and recovers by itself', async () => {
    freshPrefix();
    const proxy = new TcpProxy(redisUrl);
    const address = await proxy.start();
    kit.onCleanup(() => proxy.stop());
    const client = await connect({
      url: `redis://${address}`,
      disableOfflineQueue: true,
      socket: { connectTimeout: 500, reconnectStrategy: () => 50 },
    });
    const { sut, direct } = await mirror({ redis: client });
    const list = await writer();
    await vi.waitFor(() => expect(sut.status().fresh).toBe(true), patiently);

    proxy.cut();
    const missed = randomUUID();
    await list.revoke([missed]);
    await vi.waitFor(() => expect(sut.status().fresh).toBe(false), patiently);
    const failure = await sut.isRevoked(missed).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AppError);
    expect(failure).toMatchObject({ code: 'UNAVAILABLE' });

    proxy.restore();
    const restored = performance.now();
    // Reconnected, reloaded the index (the message itself was lost) and proven fresh again.
    await provenAfter(sut, restored);
    await answersFromMemory(sut, direct, missed, true);
  });

  it('reloads the index after its subscriber reconnects, so revocations missed meanwhile count', async () => {
    freshPrefix();
    const client = await connect();
    // Only the subscriber goes through the proxy: cutting it loses publications, nothing else.
    const proxy = new TcpProxy(redisUrl);
    const address = await proxy.start();
    kit.onCleanup(() => proxy.stop());
    const split: MirrorRedis = {
      publish: (channel, message) => client.publish(channel, message),
      zRangeByScoreWithScores: (key, min, max) => client.zRangeByScoreWithScores(key, min, max),
      duplicate: (overrides) =>
        client.duplicate({ ...overrides, url: `redis://${address}`, socket: { ...overrides?.socket, reconnectStrategy: () => 50 } }),
    };
    const { sut, direct } = await mirror({ redis: split, store: client });
    const list = await writer();
    await vi.waitFor(() => expect(sut.status().fresh).toBe(true), patiently);

    proxy.cut();
    const missed = randomUUID();
    await list.revoke([missed]);
    proxy.restore();
    const restored = performance.now();

    await provenAfter(sut, restored);
    await answersFromMemory(sut, direct, missed, true);
  });

  it('drops a subscriber that went silent and reconnects it', async () => {
    freshPrefix();
    const client = await connect();
    let muted = false;
    const muffled: MirrorRedis = {
      publish: async (channel, message) => (muted ? 0 : client.publish(channel, message)),
      zRangeByScoreWithScores: (key, min, max) => client.zRangeByScoreWithScores(key, min, max),
      duplicate: (overrides) => client.duplicate(overrides),
    };
    const { sut } = await mirror({ redis: muffled, store: client });
    await vi.waitFor(() => expect(sut.status().fresh).toBe(true), patiently);
    const first = await subscriberId(sut);

    // No heartbeats: the subscriber hears nothing, as on a half-open connection.
    muted = true;
    await vi.waitFor(async () => expect(await subscriberId(sut).catch(() => first)).not.toBe(first), patiently);
    muted = false;
    const back = performance.now();
    await provenAfter(sut, back);
  });

  it('refuses a session this gateway saw end at once, and waits for a newer heartbeat for the others', async () => {
    freshPrefix();
    // Redis claims every session revoked: an answer of "not revoked" can only come from memory.
    const { sut, direct } = await mirror({ direct: { isRevoked: async () => true } });
    await vi.waitFor(() => expect(sut.status().fresh).toBe(true), patiently);
    const own = randomUUID();
    const other = randomUUID();

    sut.sessionsEnded([own]);

    expect(sut.status().fresh).toBe(false);
    const before = direct.calls;
    expect(await sut.isRevoked(own)).toBe(true);
    expect(direct.calls).toBe(before);
    expect(await sut.isRevoked(other)).toBe(true);
    expect(direct.calls).toBe(before + 1);
    await answersFromMemory(sut, direct, other, false);
    await answersFromMemory(sut, direct, own, true);
  });

  it('stops trusting memory after a message it cannot read, until it has reloaded', async () => {
    freshPrefix();
    const client = await connect();
    let loads = 0;
    const counted: MirrorRedis = {
      publish: (channel, message) => client.publish(channel, message),
      zRangeByScoreWithScores: (key, min, max) => {
        loads += 1;
        return client.zRangeByScoreWithScores(key, min, max);
      },
      duplicate: (overrides) => client.duplicate(overrides),
    };
    const { sut } = await mirror({ redis: counted, store: client });
    await vi.waitFor(() => expect(sut.status().fresh).toBe(true), patiently);
    expect(loads).toBe(1);

    await redis.publish(revocationKeys(kit.prefix).channel, 'not a revocation');

    await vi.waitFor(() => expect(loads).toBe(2), patiently);
    await vi.waitFor(() => expect(sut.status().fresh).toBe(true), patiently);
  });
});
