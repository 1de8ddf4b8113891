import { failClosed } from '#libs/redis';

/** The few Redis commands the list needs, so any node-redis client (or a test double) fits. */
export interface RevocationStore {
  set(key: string, value: string, options: { EX: number }): Promise<unknown>;
  exists(keys: string[]): Promise<number>;
}

/**
 * Revoked session ids, shared through Redis: the auth service adds a session when it is
 * logged out or ended by a password change, and the gateway refuses that session's access
 * tokens on the next request instead of at their expiry. An entry lives as long as the
 * longest-lived token the session could still hold (an access token, or a service token
 * exchanged from it), then expires by itself.
 */
export class SessionRevocationList {
  readonly #store: RevocationStore;
  readonly #prefix: string;
  readonly #ttlSeconds: number;

  /**
   * @param longestTokenTtlSeconds the longest lifetime of any token bound to a session
   *   (e.g. the larger of the access-token and service-token TTLs); an entry that expired
   *   sooner would let a still-valid token of a revoked session through.
   */
  constructor(store: RevocationStore, keyPrefix: string, longestTokenTtlSeconds: number) {
    this.#store = store;
    this.#prefix = `${keyPrefix}revoked-session:`;
    // A little beyond the token lifetime covers clock skew between issuer and verifier.
    this.#ttlSeconds = longestTokenTtlSeconds + 60;
  }

  async revoke(sessionIds: string[]): Promise<void> {
    await failClosed(() => Promise.all(sessionIds.map((sessionId) => this.#store.set(this.#prefix + sessionId, '1', { EX: this.#ttlSeconds }))));
  }

  /** Throws UNAVAILABLE when the store is unreachable: callers fail closed. */
  async isRevoked(sessionId: string): Promise<boolean> {
    return (await failClosed(() => this.#store.exists([this.#prefix + sessionId]))) > 0;
  }
}
