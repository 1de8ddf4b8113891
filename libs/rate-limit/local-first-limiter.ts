import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createRateLimiter, type RateLimiter, type RateLimitRedis, type RateLimitResult } from './rate-limiter.ts';
import { syncWindowScript } from './sync-window.lua.ts';
import { countsAt, windowVerdict, type WindowCounts } from './window-verdict.ts';

export interface LocalFirstRateLimiterOptions {
  /** Requests allowed per sliding window, per key. */
  limit: number;
  windowSeconds: number;
  /** Pause between two syncs with Redis. Default 100 ms. */
  syncIntervalMs?: number;
  /** Refuse (throw) once the last successful sync began longer ago than this. Default 1000 ms. */
  staleAfterMs?: number;
  /** Keys counted locally at most; past it, new keys take a synchronous Redis round trip. */
  maxBuckets?: number;
  /** Called when syncing starts failing (with the error) and when it works again. */
  onSyncHealthChange?: (healthy: boolean, error?: unknown) => void;
}

/** Thrown by `consume` while the limiter's view of Redis is too old to trust. */
export class RateLimiterStaleError extends Error {}

interface Bucket {
  /** The global counts as Redis last answered them; undefined until the first sync. */
  counts: WindowCounts | undefined;
  /** Hits sent in the sync under way, not yet in `counts`. */
  inflight: number;
  /** Hits admitted here since the last sync began. */
  pending: number;
  lastSeenMs: number;
}

const scriptSha = createHash('sha1').update(syncWindowScript).digest('hex');

function parseCounts(reply: unknown): WindowCounts & { nowMs: number } {
  if (!Array.isArray(reply) || reply.length !== 4) throw new Error('Unexpected rate limit sync reply.');
  const [window, current, previous, nowMs] = reply.map(Number) as [number, number, number, number];
  if (![window, current, previous, nowMs].every(Number.isFinite)) throw new Error('Unexpected rate limit sync reply.');
  return { window, current, previous, nowMs };
}

function timeout(ms: number): { promise: Promise<'timeout'>; clear: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)));
  return { promise, clear: () => clearTimeout(timer) };
}

/**
 * A sliding-window rate limiter that answers from memory and shares its counts with the other
 * replicas through Redis in the background.
 *
 * Each replica answers `consume` at once from its view of a key: the global counts Redis last
 * returned (rolled forward to now on Redis's clock) plus the hits it admitted itself and has
 * not synced yet. Every `syncIntervalMs` it sends, per key with new hits, the increment with
 * one script call each (issued together, so node-redis writes them in one round trip) and
 * reads back the global counts. With one replica the limit is exact.
 *
 * Bounded error: a replica does not see the other replicas' hits of the last sync interval
 * (nor any hits of a key it has not synced yet), so across R replicas a key can be admitted up
 * to about (R − 1) × min(limit, rate × (syncIntervalMs + round trip)) more than `limit` per
 * window, `rate` being that client's request rate at each replica — e.g. 3 replicas, 100 ms,
 * a client sending 1000 req/s to each: at most ~200 extra. Never fewer than `limit` are
 * admitted. A replica that cannot sync refuses everything (throws RateLimiterStaleError) once
 * its last successful sync is `staleAfterMs` old, and until it syncs again: fail closed.
 *
 * Memory: a key idle for two windows is forgotten (its Redis counter has expired by then);
 * past `maxBuckets` keys, a new key is checked with a synchronous Redis script instead.
 */
export class LocalFirstRateLimiter {
  readonly #redis: RateLimitRedis;
  readonly #prefix: string;
  readonly #limit: number;
  readonly #windowSeconds: number;
  readonly #windowMs: number;
  readonly #syncIntervalMs: number;
  readonly #staleAfterMs: number;
  readonly #maxBuckets: number;
  readonly #onSyncHealthChange: LocalFirstRateLimiterOptions['onSyncHealthChange'];
  readonly #fallback: RateLimiter;
  readonly #buckets = new Map<string, Bucket>();
  /** Redis's clock minus `performance.now()`, from the last sync. */
  #clockOffsetMs = 0;
  /** When (performance.now()) the last successful sync was sent; undefined before the first. */
  #lastSyncMs: number | undefined;
  #healthy: boolean | undefined;
  #lastSweepMs = 0;
  #syncs: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #running = false;

  constructor(redis: RateLimitRedis, prefix: string, options: LocalFirstRateLimiterOptions) {
    const { limit, windowSeconds, syncIntervalMs = 100, staleAfterMs = 1000, maxBuckets = 100_000 } = options;
    if (![limit, windowSeconds, syncIntervalMs, staleAfterMs, maxBuckets].every((value) => Number.isInteger(value) && value > 0)) {
      throw new TypeError('Local-first rate limiter options must be positive integers.');
    }
    if (staleAfterMs <= syncIntervalMs) throw new TypeError('staleAfterMs must be longer than syncIntervalMs.');
    this.#redis = redis;
    this.#prefix = prefix;
    this.#limit = limit;
    this.#windowSeconds = windowSeconds;
    this.#windowMs = windowSeconds * 1000;
    this.#syncIntervalMs = syncIntervalMs;
    this.#staleAfterMs = staleAfterMs;
    this.#maxBuckets = maxBuckets;
    this.#onSyncHealthChange = options.onSyncHealthChange;
    this.#fallback = createRateLimiter(redis, prefix);
  }

  /** Keys counted in memory now. */
  get trackedKeys(): number {
    return this.#buckets.size;
  }

  /**
   * Counts one request against `key`. Answers synchronously from memory; only a new key past
   * `maxBuckets` returns a promise (a Redis round trip). Throws RateLimiterStaleError (the
   * promise rejects, for the round trip: with the Redis error) instead of guessing.
   */
  consume(key: string): RateLimitResult | Promise<RateLimitResult> {
    const nowMs = performance.now();
    if (this.#lastSyncMs === undefined || nowMs - this.#lastSyncMs > this.#staleAfterMs) {
      throw new RateLimiterStaleError(this.#lastSyncMs === undefined ? 'Rate limiter has not synced with Redis yet.' : 'Rate limiter has lost Redis.');
    }
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      if (this.#buckets.size >= this.#maxBuckets) return this.#fallback.consume(key, { limit: this.#limit, windowSeconds: this.#windowSeconds });
      bucket = { counts: undefined, inflight: 0, pending: 0, lastSeenMs: nowMs };
      this.#buckets.set(key, bucket);
    }
    bucket.lastSeenMs = nowMs;
    const counts = countsAt(bucket.counts, nowMs + this.#clockOffsetMs, this.#windowMs);
    const unsynced = bucket.inflight + bucket.pending;
    const verdict = windowVerdict({ ...counts, current: counts.current + unsynced }, this.#limit, this.#windowMs);
    if (verdict.allowed) bucket.pending += 1;
    return verdict;
  }

  /** Syncs once at once (after a sync under way); resolves when the view is fresh, rejects if Redis failed. */
  sync(): Promise<void> {
    const run = this.#syncs.then(() => this.#syncOnce());
    this.#syncs = run.catch(() => undefined);
    return run;
  }

  /** Syncs once, then keeps syncing every `syncIntervalMs`; resolves after the first attempt, even a failed one. */
  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    await this.#syncAndReport();
    this.#schedule();
  }

  /** Stops syncing after one last sync of the hits counted so far (its failure is ignored). */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    clearTimeout(this.#timer);
    await this.#syncAndReport();
  }

  #schedule(): void {
    if (!this.#running) return;
    this.#timer = setTimeout(() => void this.#syncAndReport().then(() => this.#schedule()), this.#syncIntervalMs);
    // Never what keeps a process alive; `stop()` is the orderly way out.
    this.#timer.unref();
  }

  async #syncAndReport(): Promise<void> {
    try {
      await this.sync();
      if (this.#healthy !== true) this.#onSyncHealthChange?.(true);
      this.#healthy = true;
    } catch (error) {
      if (this.#healthy !== false) this.#onSyncHealthChange?.(false, error);
      this.#healthy = false;
    }
  }

  async #syncOnce(): Promise<void> {
    const startedMs = performance.now();
    this.#sweep(startedMs);
    const batch: Array<{ key: string; bucket: Bucket | undefined; increment: number }> = [];
    for (const [key, bucket] of this.#buckets) {
      if (bucket.pending === 0) continue;
      bucket.inflight = bucket.pending;
      bucket.pending = 0;
      batch.push({ key, bucket, increment: bucket.inflight });
    }
    // Nothing to send still proves Redis answers (and refreshes the clock): a read-only call.
    if (batch.length === 0) batch.push({ key: 'sync-probe', bucket: undefined, increment: 0 });

    const calls = Promise.allSettled(batch.map(({ key, increment }) => this.#run(key, increment)));
    const deadline = timeout(this.#staleAfterMs);
    const replies = await Promise.race([calls, deadline.promise]);
    deadline.clear();
    // A call that never answers must not hold the view fresh: give up on the whole batch.
    // Its hits count again in the next sync (possibly twice in Redis: the safe side).
    const outcomes = replies === 'timeout' ? batch.map(() => ({ status: 'rejected' as const, reason: new Error('Rate limit sync timed out.') })) : replies;

    let failure: Error | undefined;
    outcomes.forEach((outcome, index) => {
      const { bucket, increment } = batch[index]!;
      let counts: ReturnType<typeof parseCounts> | undefined;
      try {
        if (outcome.status === 'rejected') throw outcome.reason;
        counts = parseCounts(outcome.value);
      } catch (error) {
        failure ??= error instanceof Error ? error : new Error('Rate limit sync failed.', { cause: error });
      }
      if (counts !== undefined) this.#clockOffsetMs = counts.nowMs - performance.now();
      if (bucket === undefined) return;
      bucket.inflight -= increment;
      if (counts === undefined) bucket.pending += increment;
      else bucket.counts = { window: counts.window, current: counts.current, previous: counts.previous };
    });
    if (failure !== undefined) throw failure;
    this.#lastSyncMs = startedMs;
  }

  async #run(key: string, increment: number): Promise<unknown> {
    const options = { keys: [this.#prefix + key], arguments: [String(increment), String(this.#windowMs)] };
    try {
      return await this.#redis.evalSha(scriptSha, options);
    } catch (error) {
      // The script cache is empty after a Redis restart or failover: send the script once.
      if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
      return this.#redis.eval(syncWindowScript, options);
    }
  }

  /** Forgets keys idle for two windows (at most about once a second). */
  #sweep(nowMs: number): void {
    if (nowMs - this.#lastSweepMs < Math.min(1000, this.#windowMs)) return;
    this.#lastSweepMs = nowMs;
    for (const [key, bucket] of this.#buckets) {
      if (bucket.pending === 0 && bucket.inflight === 0 && nowMs - bucket.lastSeenMs > 2 * this.#windowMs) this.#buckets.delete(key);
    }
  }
}
