import type { RateLimitResult } from './rate-limiter.ts';

/** The counts of one key: `current` in fixed window number `window`, `previous` in the one before. */
export interface WindowCounts {
  window: number;
  current: number;
  previous: number;
}

/**
 * The counts as they stand at `nowMs`: rolled forward when `nowMs` is in a later window (the
 * same rules as the Redis scripts), or kept in the stored window when the clock went back.
 * Also returns how far into that window `nowMs` is.
 */
export function countsAt(counts: WindowCounts | undefined, nowMs: number, windowMs: number): WindowCounts & { elapsedMs: number } {
  const window = Math.floor(nowMs / windowMs);
  const elapsedMs = nowMs - window * windowMs;
  if (counts === undefined || counts.window < window - 1) return { window, current: 0, previous: 0, elapsedMs };
  if (counts.window === window - 1) return { window, current: 0, previous: counts.current, elapsedMs };
  // Counted in a later window than our clock says (the clock moved back): count from its start.
  if (counts.window > window) return { ...counts, elapsedMs: 0 };
  return { ...counts, elapsedMs };
}

/**
 * The sliding-window decision of sliding-window.lua.ts, in TypeScript: the load is `previous`
 * weighted by the share of the previous window still inside a sliding window ending now, plus
 * `current`; a request of weight `cost` is allowed when the load plus `cost` stays within
 * `limit`. Keep the two in step.
 */
export function windowVerdict(
  { current, previous, elapsedMs }: Omit<WindowCounts, 'window'> & { elapsedMs: number },
  limit: number,
  windowMs: number,
  cost = 1,
): RateLimitResult {
  const used = (previous * (windowMs - elapsedMs)) / windowMs + current;
  const resetSeconds = Math.ceil((windowMs - elapsedMs) / 1000);
  if (used + cost <= limit) {
    return { allowed: true, limit, remaining: Math.max(0, Math.floor(limit - used - cost)), resetSeconds, retryAfterSeconds: 0 };
  }
  let retryMs: number;
  const room = limit - cost - current;
  if (cost > limit) {
    retryMs = windowMs;
  } else if (room >= 0 && previous > 0) {
    // Fits later in this window, once the previous window's weight has decayed enough.
    retryMs = Math.ceil(windowMs * (1 - room / previous)) - elapsedMs;
  } else {
    // Fits only in the next window, once this window's count (then "previous") has decayed.
    const decayMs = current > 0 ? Math.max(0, Math.ceil(windowMs * (1 - (limit - cost) / current))) : 0;
    retryMs = windowMs - elapsedMs + decayMs;
  }
  return {
    allowed: false,
    limit,
    remaining: Math.max(0, Math.floor(limit - used)),
    resetSeconds,
    retryAfterSeconds: Math.max(1, Math.ceil(retryMs / 1000)),
  };
}
