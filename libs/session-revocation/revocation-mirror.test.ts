import { randomUUID } from 'node:crypto';
import { createClient, type RedisClientOptions } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AppError } from '#libs/errors';
import { testEnvironment } from '#libs/testing';
import { TcpProxy } from '../../tests/support/tcp-proxy.ts';
import type { DirectRevocationCheck, MirrorRedis, RevocationMirrorOptions } from './mirror-contract.ts';
import { RevocationMirror } from './revocation-mirror.ts';
import { revocationKeys, SessionRevocationList, type RevocationStore } from './revocation-list.ts';

const { redisUrl, redisKeyPrefix } = testEnvironment();
const runPrefix = `${redisKeyPrefix}revocation-mirror:${randomUUID()}:`;
// Generous: the machine running the tests may be slow; nothing here measures speed.
const patiently = { timeout: 15_000, interval: 20 };

type Client = ReturnType<typeof createClient>;

/** The direct check, counting how often the mirror had to ask Redis. */
function counting(check: DirectRevocationCheck) {
  const counter = {
    calls: 0,
    isRevoked(sessionId: string) {
      counter.calls += 1;
      return check.isRevoked(sessionId);
    },
  };
  return counter;
}

describe(`${RevocationMirror.name} against Redis`, { timeout: 30_000 }, () => {
  const redis = createClient({ url: redisUrl });
  const cleanups: Array<() => Promise<unknown>> = [];
  let prefix: string;

  beforeAll(async () => {
    await redis.connect();
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  afterAll(async () => {
    const keys = await redis.keys(`${runPrefix}*`);
    if (keys.length > 0) await redis.del(keys);
    redis.destroy();
  });

  /** Each test has its own prefix, so its own index and channel. */
  function freshPrefix(): string {
    prefix = `${runPrefix}${randomUUID()}:`;
    return prefix;
  }

  async function connect(options: RedisClientOptions = {}): Promise<Client> {
    const client = createClient({ url: redisUrl, ...options }) as Client;
    client.on('error', () => undefined);
    await client.connect();
    cleanups.push(async () => client.destroy());
    return client;
  }

  /** Another process's writer (the auth service), on its own connection. */
  async function writer(ttlSeconds = 900, skewSeconds = 60): Promise<SessionRevocationList> {
    return new SessionRevocationList(await connect(), prefix, ttlSeconds, skewSeconds);
  }

  async function mirror(
    options: { redis?: MirrorRedis; direct?: DirectRevocationCheck; store?: RevocationStore } & Partial<RevocationMirrorOptions> = {},
  ) {
    const { redis: client = await connect(), store, ...rest } = options;
    const direct = counting(options.direct ?? new SessionRevocationList(store ?? (client as unknown as RevocationStore), prefix, 900));
    const sut = await RevocationMirror.start(client, direct, { keyPrefix: prefix, freshnessMs: 700, heartbeatMs: 50, localTtlSeconds: 60, ...rest });
    cleanups.push(() => sut.close());
    return { sut, direct };
  }

  /** Waits until the mirror answers `expected` for the session from memory alone. */
  async function answersFromMemory(sut: RevocationMirror, direct: { calls: number }, sessionId: string, expected: boolean) {
    await vi.waitFor(async () => {
      const before = direct.calls;
      expect(await sut.isRevoked(sessionId)).toBe(expected);
      expect(direct.calls).toBe(before);
    }, patiently);
  }

  /** Waits until a heartbeat sent after `since` (performance.now()) has come back. */
  async function provenAfter(sut: RevocationMirror, since: number) {
    await vi.waitFor(() => expect(sut.status().completeAsOf).toBeGreaterThan(since), patiently);
  }

  async function subscriberId(sut: RevocationMirror): Promise<number> {
    const list = await redis.clientList();
    const entry = list.find((client) => client.name === sut.subscriberName);
    if (!entry) throw new Error(`no client named ${sut.subscriberName}`);
    return entry.id;
  }

  it('revoke stores a key with its TTL, indexes it by expiry and publishes it', async () => {
    freshPrefix();
    const keys = revocationKeys(prefix);
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
    const keys = revocationKeys(prefix);
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
    cleanups.push(() => proxy.stop());
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
    cleanups.push(() => proxy.stop());
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

    await redis.publish(revocationKeys(prefix).channel, 'not a revocation');

    await vi.waitFor(() => expect(loads).toBe(2), patiently);
    await vi.waitFor(() => expect(sut.status().fresh).toBe(true), patiently);
  });
});
