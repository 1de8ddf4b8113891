export {
  createRateLimiter,
  type RateLimiter,
  type RateLimitRedis,
  type RateLimitResult,
  type RateLimitRule,
} from './rate-limiter.ts';
// Answers from memory, shares counts through Redis in the background (the gateway's per-IP limit).
export { LocalFirstRateLimiter, RateLimiterStaleError, type LocalFirstRateLimiterOptions } from './local-first-limiter.ts';
// For callers that run the sliding window inside a larger script of their own (one round trip).
export { slidingWindowScript } from './sliding-window.lua.ts';
