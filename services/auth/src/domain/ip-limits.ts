import { AppError } from '#libs/errors';
import type { RateLimiter, RateLimitRule } from '#libs/rate-limit';
import { failClosed } from '#libs/redis';

export interface IpLimitRules {
  login: RateLimitRule;
  register: RateLimitRule;
}

/** Per-client-IP caps on sign-in and sign-up, beside the per-account brute-force throttle. */
export class IpLimits {
  readonly #limiter: RateLimiter;
  readonly #rules: IpLimitRules;

  constructor(limiter: RateLimiter, rules: IpLimitRules) {
    this.#limiter = limiter;
    this.#rules = rules;
  }

  async consume(action: keyof IpLimitRules, ip: string): Promise<void> {
    const result = await failClosed(() => this.#limiter.consume(`${action}:${ip}`, this.#rules[action]));
    if (!result.allowed) {
      throw new AppError('RATE_LIMITED', 'Too many requests from this address; try again later.', {
        retryAfterSeconds: result.retryAfterSeconds,
      });
    }
  }
}
