import { createHash } from 'node:crypto';
import { slidingWindowScript } from './sliding-window.lua.ts';

/** The few Redis commands the limiter needs; a node-redis v5+ client satisfies it. */
export interface RateLimitRedis {
  evalSha(sha1: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  del(key: string): Promise<unknown>;
}

export interface RateLimitRule {
  /** Requests (or cost units) allowed per sliding window. */
  limit: number;
  windowSeconds: number;
  /** Weight of this request; 1 unless some requests should count more. */
  cost?: number;
}

export interface RateLimitResult {
  allowed: boolean;
  limit: number;
  /** What is left in the sliding window after this request. */
  remaining: number;
  /** Seconds until the current fixed window ends and its count starts to decay. */
  resetSeconds: number;
  /** Seconds to wait before the same request would be allowed; 0 when allowed. */
  retryAfterSeconds: number;
}

export interface RateLimiter {
  /** Counts one request against `key`; rejects (never allows) when Redis fails. */
  consume(key: string, rule: RateLimitRule): Promise<RateLimitResult>;
  /** Forgets `key`'s count, e.g. after a successful sign-in. */
  reset(key: string): Promise<void>;
}

const scriptSha = createHash('sha1').update(slidingWindowScript).digest('hex');

function assertRule({ limit, windowSeconds, cost = 1 }: RateLimitRule): void {
  const valid = [limit, windowSeconds, cost].every((value) => Number.isInteger(value) && value > 0);
  if (!valid) throw new TypeError('Rate limit rule needs positive integer limit, windowSeconds and cost.');
}

function parseReply(reply: unknown, limit: number): RateLimitResult {
  if (!Array.isArray(reply) || reply.length !== 4) throw new Error('Unexpected rate limit script reply.');
  const [allowed, remaining, resetMs, retryMs] = reply.map(Number) as [number, number, number, number];
  return {
    allowed: allowed === 1,
    limit,
    remaining,
    resetSeconds: Math.ceil(resetMs / 1000),
    retryAfterSeconds: allowed === 1 ? 0 : Math.max(1, Math.ceil(retryMs / 1000)),
  };
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}

/**
 * A sliding-window rate limiter whose check-and-count is one Lua script (see
 * sliding-window.lua.ts). Keys are `${prefix}${key}`; pick a prefix per purpose, e.g.
 * `egp:rl:ip:` for the gateway or `egp:rl:login:` for sign-in counters.
 */
export function createRateLimiter(redis: RateLimitRedis, prefix: string): RateLimiter {
  async function run(keys: string[], args: string[]): Promise<unknown> {
    try {
      return await redis.evalSha(scriptSha, { keys, arguments: args });
    } catch (error) {
      // The script cache is empty after a Redis restart or failover: send the script once.
      if (!isNoScript(error)) throw error;
      return redis.eval(slidingWindowScript, { keys, arguments: args });
    }
  }

  return {
    async consume(key, rule) {
      assertRule(rule);
      const args = [rule.limit, rule.windowSeconds * 1000, rule.cost ?? 1].map(String);
      return parseReply(await run([prefix + key], args), rule.limit);
    },
    async reset(key) {
      await redis.del(prefix + key);
    },
  };
}
