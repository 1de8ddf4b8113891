import { isIPv6 } from 'node:net';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AppError } from '#libs/errors';
import type { Logger } from '#libs/logging';
import { LocalFirstRateLimiter, type RateLimitRedis, type RateLimitResult } from '#libs/rate-limit';
import type { GatewayConfig } from '../config.ts';

const WINDOW_SECONDS = 60;

/**
 * The bucket a client address counts against. IPv4-mapped IPv6 is plain IPv4; other IPv6
 * addresses count per /64, the smallest block one subscriber usually holds; per address,
 * a single host could rotate through 2^64 of them.
 */
export function clientBucket(ip: string | undefined): string {
  if (ip === undefined) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!isIPv6(ip)) return ip;
  const [head = '', tail = ''] = ip.toLowerCase().split('%')[0]!.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === '' ? [] : tail.split(':');
  const groups = ip.includes('::') ? [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups] : headGroups;
  return `${groups.slice(0, 4).map((group) => group.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

function setRateLimitHeaders(res: Response, result: RateLimitResult): void {
  res.setHeader('RateLimit-Limit', String(result.limit));
  res.setHeader('RateLimit-Remaining', String(result.remaining));
  res.setHeader('RateLimit-Reset', String(result.allowed ? result.resetSeconds : result.retryAfterSeconds));
}

/**
 * The gateway's per-IP limiter: `RATE_LIMIT_IP_PER_MINUTE` per sliding minute, counted in
 * memory and shared with the other gateway replicas through Redis every
 * `RATE_LIMIT_SYNC_INTERVAL_MS` (see LocalFirstRateLimiter for the bounded over-admission
 * across replicas). Call `start()` before serving and `stop()` on shutdown.
 */
export function createIpRateLimiter(redis: RateLimitRedis, config: GatewayConfig, logger: Logger): LocalFirstRateLimiter {
  return new LocalFirstRateLimiter(redis, `${config.REDIS_KEY_PREFIX}rl:gateway:`, {
    limit: config.RATE_LIMIT_IP_PER_MINUTE,
    windowSeconds: WINDOW_SECONDS,
    syncIntervalMs: config.RATE_LIMIT_SYNC_INTERVAL_MS,
    staleAfterMs: config.RATE_LIMIT_STALE_AFTER_MS,
    maxBuckets: config.RATE_LIMIT_MAX_BUCKETS,
    onSyncHealthChange: (healthy, error) => {
      if (healthy) logger.info('rate limiter syncing with redis');
      else logger.warn({ err: error }, 'rate limiter cannot sync with redis; refusing requests with 503 once its view is stale');
    },
  });
}

export interface IpRateLimitOptions {
  /**
   * Started together with the limiter's Redis call when it makes one (a new client past the
   * limiter's key cap), e.g. the caller's session check: node-redis sends what is queued
   * before the next I/O turn in one write, so both cost one round trip. Not called when the
   * limiter answers from memory, so a refused request costs no session check.
   */
  alongside?: (req: Request) => void;
}

function unavailable(error: unknown): AppError {
  return AppError.unavailable('Rate limiting is unavailable; try again shortly.', error);
}

/** Set on a response this limiter refused: its RateLimit-* headers then already describe the refusal. */
export const REFUSED_BY_IP_LIMIT = 'refusedByIpLimit';

function admitOrRefuse(res: Response, result: RateLimitResult, next: NextFunction): void {
  setRateLimitHeaders(res, result);
  if (!result.allowed) {
    res.locals[REFUSED_BY_IP_LIMIT] = true;
    throw new AppError('RATE_LIMITED', 'Too many requests; slow down.', { retryAfterSeconds: result.retryAfterSeconds });
  }
  next();
}

/**
 * Per client IP, the limiter's requests per sliding minute, answered from memory. When the
 * limiter has lost Redis for longer than its staleness bound (or never reached it), the
 * request is refused with 503: a broken limiter must never mean no limit.
 */
export function ipRateLimit(limiter: Pick<LocalFirstRateLimiter, 'consume'>, options: IpRateLimitOptions = {}): RequestHandler {
  return (req, res, next) => {
    let answer: RateLimitResult | Promise<RateLimitResult>;
    try {
      answer = limiter.consume(`ip:${clientBucket(req.ip)}`);
    } catch (error) {
      throw unavailable(error);
    }
    if (!(answer instanceof Promise)) return admitOrRefuse(res, answer, next);
    options.alongside?.(req);
    return answer.then(
      (result) => admitOrRefuse(res, result, next),
      (error: unknown) => {
        throw unavailable(error);
      },
    );
  };
}
