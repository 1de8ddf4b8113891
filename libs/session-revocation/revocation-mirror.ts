import { randomUUID } from 'node:crypto';
import type { Logger } from '#libs/logging';
import { HEARTBEAT_PREFIX, parseRevoked, type DirectRevocationCheck, type MirrorRedis, type MirrorSubscriber, type RevocationMirrorOptions, type RevocationMirrorStatus } from './mirror-contract.ts';
import { revocationKeys, type SessionRevocationView } from './revocation-list.ts';

/**
 * The gateway's local view of revoked sessions, kept current through Redis pub/sub, so most
 * requests check the session without a Redis round trip.
 *
 * How it knows it is current. Every P ms it PUBLISHes a heartbeat carrying its local send
 * time s on the revocation channel, through the normal client. Redis delivers a subscriber's
 * messages in the order it applied them, so when the heartbeat comes back on this mirror's
 * subscriber connection, every revocation Redis applied before it (in particular, before s)
 * has been received: the view is complete as of s. Writers (`SessionRevocationList.revoke`)
 * store and publish in one atomic script, so nothing durable goes unpublished.
 *
 * After each (re)connection messages may have been missed, so heartbeats do not count until
 * the sorted-set index has been reloaded. The load is sent only after one of this mirror's
 * heartbeats has come back on the new connection, which proves the subscription is live:
 * whatever Redis applied before the load is in it, whatever after the subscription is
 * delivered. That heartbeat counts once the load is applied.
 *
 * `isRevoked` at time t answers from memory only when s ≥ t − F. A revocation applied by
 * Redis at T is then missing only if T ≥ s, i.e. t ≤ T + F: a session is refused everywhere
 * at most F ms after its revocation was stored, whatever P is. With P < F the heartbeat
 * normally returns in time (its age cycles between the round trip and P plus the round
 * trip); otherwise (subscriber down, slow or reconnecting, Redis slow) the answer comes from
 * the direct check, exactly as without the mirror, and that throws UNAVAILABLE when Redis is
 * unreachable: the check is never skipped. A session marked locally is refused at once.
 */
export class RevocationMirror implements SessionRevocationView {
  readonly #redis: MirrorRedis;
  readonly #direct: DirectRevocationCheck;
  readonly #options: Required<Omit<RevocationMirrorOptions, 'logger'>> & { logger?: Logger };
  readonly #keys: ReturnType<typeof revocationKeys>;
  readonly #heartbeatPrefix: string;
  readonly #subscriber: MirrorSubscriber;
  /** The subscriber connection's client name (CLIENT LIST). */
  readonly subscriberName: string;
  /** session id → expiry, ms since the epoch. */
  readonly #revoked = new Map<string, number>();
  /** Bumped whenever the subscriber connection may have missed messages. */
  #epoch = 0;
  #loadedEpoch = -1;
  #loadingEpoch = -1;
  /** performance.now() send time of the newest heartbeat proving the view complete. */
  #completeAsOf = Number.NEGATIVE_INFINITY;
  /** Heartbeats sent before this time no longer make the view fresh (see `sessionsEnded`). */
  #barrier = Number.NEGATIVE_INFINITY;
  #nextPruneAt = Number.POSITIVE_INFINITY;
  #lastPruneAt = 0;
  #timer: NodeJS.Timeout | undefined;
  #heartbeatScheduled = false;
  #closed = false;
  #subscriberFailing = false;
  #publishFailing = false;

  private constructor(redis: MirrorRedis, direct: DirectRevocationCheck, options: RevocationMirrorOptions) {
    this.#redis = redis;
    this.#direct = direct;
    this.#options = { pruneIntervalMs: 1_000, ...options };
    this.#keys = revocationKeys(options.keyPrefix);
    const id = randomUUID();
    this.#heartbeatPrefix = `${HEARTBEAT_PREFIX}${id}:`;
    this.subscriberName = `egp-revocation-mirror-${id}`;
    // Heartbeats keep a healthy subscriber busy every P ms: one silent for this long is dead
    // (e.g. a half-open TCP connection), so drop it and reconnect, which reloads the index.
    // node-redis's default strategy gives up after a socket timeout: keep reconnecting.
    const inherited: { reconnectStrategy?: unknown } = redis.options?.socket ?? {};
    this.#subscriber = redis.duplicate({
      name: this.subscriberName,
      socket: {
        ...inherited,
        reconnectStrategy: inherited.reconnectStrategy ?? ((retries: number) => Math.min(50 * 2 ** retries, 2_000)),
        socketTimeout: Math.max(10 * options.heartbeatMs, 5_000),
      },
    });
  }

  /** Connects the subscriber and starts the heartbeats; answers come from Redis until the view is proven current. */
  static async start(redis: MirrorRedis, direct: DirectRevocationCheck, options: RevocationMirrorOptions): Promise<RevocationMirror> {
    const mirror = new RevocationMirror(redis, direct, options);
    await mirror.#start();
    return mirror;
  }

  async #start(): Promise<void> {
    const subscriber = this.#subscriber;
    for (const event of ['connect', 'reconnecting', 'end'] as const) subscriber.on(event, () => this.#connectionChanged());
    subscriber.on('error', (error) => {
      this.#connectionChanged();
      if (!this.#subscriberFailing && !this.#closed) this.#options.logger?.warn({ err: error }, 'revocation subscriber unavailable; checking sessions in Redis');
      this.#subscriberFailing = true;
    });
    // Resubscribed: a heartbeat now proves it and triggers the reload.
    subscriber.on('ready', () => this.#heartbeatSoon());
    try {
      await subscriber.connect();
      await subscriber.subscribe(this.#keys.channel, (message) => this.#onMessage(message));
    } catch (error) {
      subscriber.destroy();
      throw error;
    }
    this.#timer = setInterval(() => this.#tick(), this.#options.heartbeatMs);
    this.#timer.unref();
    this.#heartbeat();
  }

  /** Whether the session was revoked. Throws UNAVAILABLE when the view is stale and Redis is unreachable. */
  async isRevoked(sessionId: string): Promise<boolean> {
    const expiresAt = this.#revoked.get(sessionId);
    if (expiresAt !== undefined && expiresAt > Date.now()) return true;
    if (this.#isFresh(performance.now())) return false;
    return this.#direct.isRevoked(sessionId);
  }

  /**
   * A request through this gateway just ended sessions (logout, password change), after the
   * auth service stored and published them. The ones the gateway knows are refused at once;
   * for the others (e.g. a user's other sessions) memory answers wait for a heartbeat sent
   * after now, so this gateway's very next request sees them too.
   */
  sessionsEnded(knownSessionIds: readonly string[]): void {
    const expiresAt = Date.now() + this.#options.localTtlSeconds * 1000;
    for (const sessionId of knownSessionIds) this.#add(sessionId, expiresAt);
    this.#barrier = performance.now();
    this.#heartbeatSoon();
  }

  status(): RevocationMirrorStatus {
    return { fresh: this.#isFresh(performance.now()), completeAsOf: this.#completeAsOf, size: this.#revoked.size };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    this.#completeAsOf = Number.NEGATIVE_INFINITY;
    this.#subscriber.destroy();
  }

  #isFresh(now: number): boolean {
    return this.#completeAsOf >= this.#barrier && now - this.#completeAsOf <= this.#options.freshnessMs;
  }

  #connectionChanged(): void {
    // Messages may have been missed from here on: the view stays complete as of the last
    // proven heartbeat, but newer heartbeats count only after a reload.
    this.#epoch += 1;
  }

  #tick(): void {
    this.#heartbeat();
    this.#prune();
  }

  #heartbeatSoon(): void {
    if (this.#heartbeatScheduled || this.#closed) return;
    this.#heartbeatScheduled = true;
    setImmediate(() => {
      this.#heartbeatScheduled = false;
      this.#heartbeat();
    });
  }

  #heartbeat(): void {
    if (this.#closed) return;
    // Taken before the command is sent: Redis applies the PUBLISH no earlier than this.
    const sentAt = performance.now();
    this.#redis.publish(this.#keys.channel, `${this.#heartbeatPrefix}${sentAt}`).then(
      () => {
        if (this.#publishFailing) this.#options.logger?.info('revocation heartbeats resumed');
        this.#publishFailing = false;
      },
      (error: unknown) => {
        if (!this.#publishFailing && !this.#closed) this.#options.logger?.warn({ err: error }, 'revocation heartbeat failed; checking sessions in Redis');
        this.#publishFailing = true;
      },
    );
  }

  #onMessage(message: string): void {
    if (this.#closed) return;
    if (message.startsWith(HEARTBEAT_PREFIX)) {
      if (!message.startsWith(this.#heartbeatPrefix)) return; // another gateway's
      const sentAt = Number(message.slice(this.#heartbeatPrefix.length));
      if (!Number.isFinite(sentAt)) return;
      if (this.#subscriberFailing) this.#options.logger?.info('revocation subscriber reconnected');
      this.#subscriberFailing = false;
      if (this.#loadedEpoch === this.#epoch) this.#completeAsOf = Math.max(this.#completeAsOf, sentAt);
      else void this.#load(this.#epoch, sentAt);
      return;
    }
    const revoked = parseRevoked(message);
    if (revoked === undefined) {
      // Something we cannot read may be a revocation: stop trusting memory until a reload.
      this.#options.logger?.warn('unreadable message on the revocation channel; reloading');
      this.#completeAsOf = Number.NEGATIVE_INFINITY;
      this.#connectionChanged();
      return;
    }
    for (const sessionId of revoked.ids) this.#add(sessionId, revoked.exp);
  }

  /**
   * Loads every live entry of the index. Sent after a heartbeat (sent at `provenAt`) came
   * back on the current connection, so the subscription was live before the load: once the
   * load is applied the view is complete as of `provenAt`, unless the connection changed.
   */
  async #load(epoch: number, provenAt: number): Promise<void> {
    if (this.#loadingEpoch === epoch) return;
    this.#loadingEpoch = epoch;
    try {
      const entries = await this.#redis.zRangeByScoreWithScores(this.#keys.index, Date.now(), '+inf');
      for (const { value, score } of entries) this.#add(value, score);
      if (this.#epoch === epoch && !this.#closed) {
        this.#loadedEpoch = epoch;
        this.#completeAsOf = Math.max(this.#completeAsOf, provenAt);
      }
    } catch (error) {
      if (!this.#closed) this.#options.logger?.warn({ err: error }, 'could not load revoked sessions; checking sessions in Redis');
    } finally {
      if (this.#loadingEpoch === epoch) this.#loadingEpoch = -1;
    }
  }

  #add(sessionId: string, expiresAt: number): void {
    if (expiresAt <= Date.now()) return;
    const known = this.#revoked.get(sessionId);
    if (known === undefined || expiresAt > known) this.#revoked.set(sessionId, expiresAt);
    if (expiresAt < this.#nextPruneAt) this.#nextPruneAt = expiresAt;
  }

  #prune(): void {
    const now = Date.now();
    if (now < this.#nextPruneAt || now - this.#lastPruneAt < this.#options.pruneIntervalMs) return;
    this.#lastPruneAt = now;
    let next = Number.POSITIVE_INFINITY;
    for (const [sessionId, expiresAt] of this.#revoked) {
      if (expiresAt <= now) this.#revoked.delete(sessionId);
      else if (expiresAt < next) next = expiresAt;
    }
    this.#nextPruneAt = next;
  }
}
