import { failClosed } from '#libs/redis';

/** The few Redis commands the list needs, so any node-redis client (or a test double) fits. */
export interface RevocationStore {
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  exists(keys: string[]): Promise<number>;
}

/** Where revocations live in Redis, under a deployment's key prefix (shared by writers and mirrors). */
export function revocationKeys(keyPrefix: string) {
  return {
    /** `<prefix>revoked-session:<sid>`: one key per revoked session, with a TTL (the source of truth). */
    session: (sessionId: string) => `${keyPrefix}revoked-session:${sessionId}`,
    /** Sorted set of revoked session ids scored by expiry (ms since the epoch, Redis clock). */
    index: `${keyPrefix}revoked-sessions`,
    /** Pub/sub channel: every revocation (JSON, see `RevokedMessage`) and the mirrors' heartbeats. */
    channel: `${keyPrefix}revoked-sessions`,
  };
}

/** How the gateway checks sessions: `SessionRevocationList` (always asks Redis) or `RevocationMirror`. */
export interface SessionRevocationView {
  /** Throws UNAVAILABLE when the answer needs Redis and Redis is unreachable. */
  isRevoked(sessionId: string): Promise<boolean>;
  /** A request through this process just ended sessions (its own, when known): see `RevocationMirror`. */
  sessionsEnded(knownSessionIds: readonly string[]): void;
}

/** What `revoke` publishes: `{"t":"r","exp":<expiry ms>,"ids":[<session id>...]}`. */
export interface RevokedMessage {
  t: 'r';
  exp: number;
  ids: string[];
}

/**
 * One atomic step, so a revocation is never durable without being published (nor published
 * without being durable): the per-session keys and the index entries first, then PUBLISH.
 * KEYS: index, then one key per session; ARGV: TTL seconds, channel, then the session ids.
 * The index is pruned of expired entries and expires with its last entry.
 */
const revokeScript = `
local ttl = tonumber(ARGV[1])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local expiresAt = now + ttl * 1000
local ids = {}
for i = 2, #KEYS do
  local id = ARGV[i + 1]
  redis.call('SET', KEYS[i], '1', 'EX', ttl)
  redis.call('ZADD', KEYS[1], expiresAt, id)
  ids[#ids + 1] = id
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if last[2] then redis.call('PEXPIREAT', KEYS[1], last[2]) end
redis.call('PUBLISH', ARGV[2], cjson.encode({ t = 'r', exp = expiresAt, ids = ids }))
return #ids
`;

/** How far beyond the token lifetime an entry lives, to cover clock skew between issuer and verifier. */
const DEFAULT_SKEW_SECONDS = 60;

/**
 * Revoked session ids, shared through Redis: the auth service adds a session when it is
 * logged out or ended by a password change, and the gateway refuses that session's access
 * tokens on the next request instead of at their expiry. An entry lives as long as the
 * longest-lived token the session could still hold (an access token, or a service token
 * exchanged from it), then expires by itself.
 *
 * Each revocation is also indexed in a sorted set and published on a channel, both under
 * the key prefix, so gateways can keep a local view (`RevocationMirror`) instead of asking
 * Redis on every request.
 */
export class SessionRevocationList implements SessionRevocationView {
  readonly #store: RevocationStore;
  readonly #keys: ReturnType<typeof revocationKeys>;
  readonly #ttlSeconds: number;

  /**
   * @param longestTokenTtlSeconds the longest lifetime of any token bound to a session
   *   (e.g. the larger of the access-token and service-token TTLs); an entry that expired
   *   sooner would let a still-valid token of a revoked session through.
   * @param skewSeconds added to that lifetime for clock skew (tests shorten it).
   */
  constructor(store: RevocationStore, keyPrefix: string, longestTokenTtlSeconds: number, skewSeconds = DEFAULT_SKEW_SECONDS) {
    this.#store = store;
    this.#keys = revocationKeys(keyPrefix);
    this.#ttlSeconds = longestTokenTtlSeconds + skewSeconds;
  }

  /** How long an entry lives, in seconds. */
  get ttlSeconds(): number {
    return this.#ttlSeconds;
  }

  /** Durable write, then publish, in one script. Throws UNAVAILABLE when Redis is unreachable. */
  async revoke(sessionIds: string[]): Promise<void> {
    const ids = [...new Set(sessionIds)];
    if (ids.length === 0) return;
    await failClosed(() =>
      this.#store.eval(revokeScript, {
        keys: [this.#keys.index, ...ids.map((id) => this.#keys.session(id))],
        arguments: [String(this.#ttlSeconds), this.#keys.channel, ...ids],
      }),
    );
  }

  /** Throws UNAVAILABLE when the store is unreachable: callers fail closed. */
  async isRevoked(sessionId: string): Promise<boolean> {
    return (await failClosed(() => this.#store.exists([this.#keys.session(sessionId)]))) > 0;
  }

  /** Nothing to do: every check asks Redis, where the auth service already stored the revocation. */
  sessionsEnded(_knownSessionIds: readonly string[]): void {}
}
