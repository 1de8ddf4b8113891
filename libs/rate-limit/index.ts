export {
  createRateLimiter,
  type RateLimiter,
  type RateLimitRedis,
  type RateLimitResult,
  type RateLimitRule,
} from './rate-limiter.ts';
// For callers that run the sliding window inside a larger script of their own (one round trip).
export { slidingWindowScript } from './sliding-window.lua.ts';
