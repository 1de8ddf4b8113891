import { isIPv6 } from 'node:net';
import type { Request, RequestHandler } from 'express';
import { AppError } from '#libs/errors';
import type { RateLimiter, RateLimitResult } from '#libs/rate-limit';

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

function setRateLimitHeaders(res: Parameters<RequestHandler>[1], result: RateLimitResult): void {
  res.setHeader('RateLimit-Limit', String(result.limit));
  res.setHeader('RateLimit-Remaining', String(result.remaining));
  res.setHeader('RateLimit-Reset', String(result.allowed ? result.resetSeconds : result.retryAfterSeconds));
}

export interface IpRateLimitOptions {
  /**
   * Started together with the limiter's Redis call, e.g. the caller's session check: node-redis
   * sends what is queued before the next I/O turn in one write, so both cost one round trip.
   */
  alongside?: (req: Request) => void;
}

/**
 * Per client IP, `perMinute` requests per sliding minute. When Redis cannot answer, the
 * request is refused with 503: a broken limiter must never mean no limit.
 */
export function ipRateLimit(limiter: RateLimiter, perMinute: number, options: IpRateLimitOptions = {}): RequestHandler {
  return async (req, res, next) => {
    options.alongside?.(req);
    let result: RateLimitResult;
    try {
      result = await limiter.consume(`ip:${clientBucket(req.ip)}`, { limit: perMinute, windowSeconds: WINDOW_SECONDS });
    } catch (error) {
      throw AppError.unavailable('Rate limiting is unavailable; try again shortly.', error);
    }
    setRateLimitHeaders(res, result);
    if (!result.allowed) {
      throw new AppError('RATE_LIMITED', 'Too many requests; slow down.', { retryAfterSeconds: result.retryAfterSeconds });
    }
    next();
  };
}
