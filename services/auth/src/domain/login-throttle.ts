import { createHash } from 'node:crypto';
import { AppError } from '#libs/errors';
import { failClosed } from '#libs/redis';
import { RedisScript, type ScriptCall, type ScriptStore } from './redis-script.ts';

export interface ThrottleLimits {
  /** Attempts per account and client IP before that pair is blocked. */
  perAccountIp: number;
  /** Attempts per account from anywhere before the account is blocked; higher than the above. */
  perAccount: number;
  windowSeconds: number;
  /** First block of an account+IP pair; doubles with each further block, up to the max. */
  baseBlockSeconds: number;
  maxBlockSeconds: number;
  /** The account-wide block is always this long, so an attacker cannot lock a user out for long. */
  accountBlockSeconds: number;
}

/*
 * Counts an attempt against each key before the password is checked, atomically, so a
 * parallel burst cannot slip more than the limit past the check. Returns { 0, 0 } when
 * allowed, else { the seconds to wait, the limit that refused }. KEYS: per key a counter, a
 * block marker and a block tally.
 * ARGV: window, then per key: limit, base block, max block (base = max for a fixed block).
 */
export const attemptScript = new RedisScript(`
local window = tonumber(ARGV[1])
for i = 0, (#KEYS / 3) - 1 do
  local blocked = redis.call('PTTL', KEYS[i * 3 + 2])
  if blocked > 0 then return { math.ceil(blocked / 1000), tonumber(ARGV[i * 3 + 2]) } end
end
for i = 0, (#KEYS / 3) - 1 do
  local counter, block, tally = KEYS[i * 3 + 1], KEYS[i * 3 + 2], KEYS[i * 3 + 3]
  local limit, base, max = tonumber(ARGV[i * 3 + 2]), tonumber(ARGV[i * 3 + 3]), tonumber(ARGV[i * 3 + 4])
  local count = redis.call('INCR', counter)
  if count == 1 then redis.call('EXPIRE', counter, window) end
  if count > limit then
    local blocks = redis.call('INCR', tally)
    redis.call('EXPIRE', tally, 86400)
    local seconds = math.min(base * 2 ^ (blocks - 1), max)
    redis.call('SET', block, '1', 'EX', seconds)
    redis.call('DEL', counter)
    return { seconds, limit }
  end
end
return { 0, 0 }
`);

const successScript = new RedisScript(`
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
if redis.call('GET', KEYS[4]) and tonumber(redis.call('GET', KEYS[4])) > 0 then redis.call('DECR', KEYS[4]) end
return 0
`);

/* Gives one counted attempt back: each counter that is still there (a block since may have reset it) loses one. */
const releaseScript = new RedisScript(`
for i = 1, #KEYS do
  local count = tonumber(redis.call('GET', KEYS[i]) or '0')
  if count > 0 then redis.call('DECR', KEYS[i]) end
end
return 0
`);

/** `rateLimit`: the attempts the refusing limit allows (per account and address, or per account). */
export const tooManyAttempts = (retryAfterSeconds: number, rateLimit: number) =>
  new AppError('RATE_LIMITED', 'Too many attempts; try again later.', { retryAfterSeconds, rateLimit });

/** `attemptScript`'s reply: the seconds to wait (0 = allowed) and the limit that refused. */
export function parseAttemptReply(reply: unknown): [waitSeconds: number, limit: number] {
  if (!Array.isArray(reply) || reply.length !== 2) throw new Error('Unexpected attempt reply.');
  return reply.map(Number) as [number, number];
}

/**
 * Brute-force defence for anything that checks a secret: per account+IP first, then a
 * higher, time-boxed account-wide limit. Store failures propagate, so callers fail closed.
 */
export class LoginThrottle {
  readonly #store: ScriptStore;
  readonly #prefix: string;
  readonly #limits: ThrottleLimits;

  constructor(store: ScriptStore, keyPrefix: string, limits: ThrottleLimits) {
    this.#store = store;
    this.#prefix = `${keyPrefix}login-throttle:`;
    this.#limits = limits;
  }

  #keys(account: string, ip: string): { pair: string[]; account: string[] } {
    const id = createHash('sha256').update(account).digest('hex').slice(0, 32);
    const pair = `${this.#prefix}${id}:${ip}`;
    const whole = `${this.#prefix}${id}`;
    return { pair: [`${pair}:n`, `${pair}:block`, `${pair}:tally`], account: [`${whole}:n`, `${whole}:block`, `${whole}:tally`] };
  }

  /** The keys and arguments of `attemptScript` for one attempt (the login gate runs it inside its own script). */
  attemptCall(account: string, ip: string): ScriptCall {
    const keys = this.#keys(account, ip);
    const limits = this.#limits;
    return {
      keys: [...keys.pair, ...keys.account],
      arguments: [limits.windowSeconds, limits.perAccountIp, limits.baseBlockSeconds, limits.maxBlockSeconds, limits.perAccount, limits.accountBlockSeconds, limits.accountBlockSeconds].map(String),
    };
  }

  /** Records an attempt; throws RATE_LIMITED with Retry-After once a limit is passed. */
  async attempt(account: string, ip: string): Promise<void> {
    const [retryAfter, limit] = parseAttemptReply(await failClosed(() => attemptScript.run(this.#store, this.attemptCall(account, ip))));
    if (retryAfter > 0) throw tooManyAttempts(retryAfter, limit);
  }

  /**
   * Takes back an attempt whose secret was never checked: the database or the hashing failed,
   * so the attempt tells nothing about the secret. Without this, every sign-in tried during a
   * database outage counted as a wrong password, and the users who kept trying were blocked
   * for minutes after it ended.
   */
  async released(account: string, ip: string): Promise<void> {
    const keys = this.#keys(account, ip);
    await failClosed(() => releaseScript.run(this.#store, { keys: [keys.pair[0] ?? '', keys.account[0] ?? ''], arguments: [] }));
  }

  /**
   * Runs the secret check of an attempt already counted; when it breaks (the database or the
   * hashing failed) the attempt is given back, best effort, before the error goes on. A wrong
   * secret is an answer, not a failure, and stays counted.
   */
  async checkOrRelease<T>(account: string, ip: string, check: () => Promise<T>): Promise<T> {
    try {
      return await check();
    } catch (broken) {
      await this.released(account, ip).catch(() => undefined);
      throw broken;
    }
  }

  /**
   * A correct secret clears the pair's count and escalation, and takes its own attempt off
   * the account-wide count (so frequent legitimate sign-ins never add up to a block).
   */
  async succeeded(account: string, ip: string): Promise<void> {
    const keys = this.#keys(account, ip);
    await failClosed(() => successScript.run(this.#store, { keys: [...keys.pair, keys.account[0] ?? ''], arguments: [] }));
  }
}
