import { AppError } from '#libs/errors';
import { createRateLimiter, type RateLimiter, type RateLimitRedis, type RateLimitRule } from '#libs/rate-limit';
import { failClosed } from '#libs/redis';
import type { ScriptCall } from './redis-script.ts';

export interface IpLimitRules {
  login: RateLimitRule;
  register: RateLimitRule;
}

/** `rateLimit`: the requests the address may make per window. */
export const tooManyRequests = (retryAfterSeconds: number, rateLimit: number) =>
  new AppError('RATE_LIMITED', 'Too many requests from this address; try again later.', { retryAfterSeconds, rateLimit });

/** Per-client-IP caps on sign-in and sign-up, beside the per-account brute-force throttle. */
export class IpLimits {
  readonly #limiter: RateLimiter;
  readonly #keyPrefix: string;
  readonly #rules: IpLimitRules;

  constructor(redis: RateLimitRedis, keyPrefix: string, rules: IpLimitRules) {
    this.#limiter = createRateLimiter(redis, keyPrefix);
    this.#keyPrefix = keyPrefix;
    this.#rules = rules;
  }

  async consume(action: keyof IpLimitRules, ip: string): Promise<void> {
    const rule = this.#rules[action];
    const result = await failClosed(() => this.#limiter.consume(`${action}:${ip}`, rule));
    if (!result.allowed) throw tooManyRequests(result.retryAfterSeconds, rule.limit);
  }

  /**
   * The key and arguments (limit, window in ms, cost) of the rate-limit library's sliding-window
   * script for one request, for callers that run it inside their own script (see LoginGate);
   * the key is the one `consume` counts against. `limit` is the rule's quota, for a refusal.
   */
  windowCall(action: keyof IpLimitRules, ip: string): ScriptCall & { limit: number } {
    const { limit, windowSeconds } = this.#rules[action];
    return { keys: [`${this.#keyPrefix}${action}:${ip}`], arguments: [limit, windowSeconds * 1000, 1].map(String), limit };
  }
}
