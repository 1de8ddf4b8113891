export {
  createRateLimiter,
  type RateLimiter,
  type RateLimitRedis,
  type RateLimitResult,
  type RateLimitRule,
} from './rate-limiter.ts';
