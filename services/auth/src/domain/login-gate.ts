import { slidingWindowScript } from '#libs/rate-limit';
import { failClosed } from '#libs/redis';
import { tooManyRequests, type IpLimits } from './ip-limits.ts';
import { attemptScript, parseAttemptReply, tooManyAttempts, type LoginThrottle } from './login-throttle.ts';
import { RedisScript, type ScriptStore } from './redis-script.ts';

/*
 * The per-IP sign-in cap and then, only when it allows, the brute-force attempt: the two
 * scripts unchanged, each as a local function, so both checks keep their own atomicity and
 * cost one round trip together. KEYS: the IP window's key, then the throttle's keys. ARGV:
 * the window's three arguments, then the throttle's. Returns { IP allowed (1|0), IP retry
 * ms, the throttle's reply: wait in seconds (0 = allowed) and the limit that refused }.
 */
const gateScript = new RedisScript(`
local function ip_limit(KEYS, ARGV)
${slidingWindowScript}
end
local function attempt(KEYS, ARGV)
${attemptScript.source}
end
local ip = ip_limit({ KEYS[1] }, { ARGV[1], ARGV[2], ARGV[3] })
if ip[1] == 0 then return { 0, ip[4], { 0, 0 } } end
return { 1, 0, attempt({ unpack(KEYS, 2) }, { unpack(ARGV, 4) }) }
`);

function parseReply(reply: unknown): { ipAllowed: number; ipRetryMs: number; attempt: [waitSeconds: number, limit: number] } {
  if (!Array.isArray(reply) || reply.length !== 3) throw new Error('Unexpected login gate reply.');
  return { ipAllowed: Number(reply[0]), ipRetryMs: Number(reply[1]), attempt: parseAttemptReply(reply[2]) };
}

/**
 * What a sign-in passes before its password is checked: the per-IP cap, then the per-account
 * brute-force throttle, answered exactly as `IpLimits.consume('login')` followed by
 * `LoginThrottle.attempt` would (an attempt refused by the IP cap is not counted against the
 * account), in one Redis call. Redis unreachable → UNAVAILABLE (fail closed).
 */
export class LoginGate {
  readonly #store: ScriptStore;
  readonly #ipLimits: IpLimits;
  readonly #throttle: LoginThrottle;

  constructor(store: ScriptStore, ipLimits: IpLimits, throttle: LoginThrottle) {
    this.#store = store;
    this.#ipLimits = ipLimits;
    this.#throttle = throttle;
  }

  /** Counts a sign-in attempt for `account` from `ip`; throws RATE_LIMITED with Retry-After when refused. */
  async enter(account: string, ip: string): Promise<void> {
    const window = this.#ipLimits.windowCall('login', ip);
    const attempt = this.#throttle.attemptCall(account, ip);
    const call = { keys: [...window.keys, ...attempt.keys], arguments: [...window.arguments, ...attempt.arguments] };
    const { ipAllowed, ipRetryMs, attempt: [waitSeconds, limit] } = parseReply(await failClosed(() => gateScript.run(this.#store, call)));
    if (ipAllowed !== 1) throw tooManyRequests(Math.max(1, Math.ceil(ipRetryMs / 1000)), window.limit);
    if (waitSeconds > 0) throw tooManyAttempts(waitSeconds, limit);
  }
}
