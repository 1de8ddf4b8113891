import { importJWK, type JWK } from 'jose';
import type { Jwk } from '#gen/egp/auth/v1/auth_service';

export const ACCESS_TOKEN_ALGORITHM = 'EdDSA';

export interface JwksKeyStoreOptions {
  /** Keys are refetched when older than this. */
  ttlSeconds: number;
  /** An unknown `kid` triggers a refetch at most this often, so garbage kids cannot flood auth. */
  refetchCooldownSeconds: number;
  /** After a failed fetch, while older keys are at hand, the next try waits this long (default 5). */
  retryAfterErrorSeconds?: number;
  /** Milliseconds since the epoch; injected so tests control time. */
  now?: () => number;
}

type VerificationKey = Awaited<ReturnType<typeof importJWK>>;

/** Only Ed25519 signing keys are usable; anything else in the set is ignored. */
function isEd25519SigningKey(jwk: Jwk): boolean {
  return jwk.kty === 'OKP' && jwk.crv === 'Ed25519' && [ACCESS_TOKEN_ALGORITHM, ''].includes(jwk.alg) && ['sig', ''].includes(jwk.use);
}

/**
 * The auth service's public signing keys, fetched over gRPC (`GetJwks`) and cached. The
 * verifier asks by `kid`; a kid it has not seen (a freshly rotated key) causes one refetch,
 * rate-limited by the cooldown. When a refresh fails, the keys fetched before keep being
 * served (stale while error) and the next try waits `retryAfterErrorSeconds`, so an auth
 * outage neither fails every request nor gets a refetch from each of them. Only while no key
 * was ever fetched does a failure propagate (fail closed: 503).
 */
export class JwksKeyStore {
  readonly #fetchKeys: () => Promise<Jwk[]>;
  readonly #options: Required<JwksKeyStoreOptions>;
  #keys = new Map<string, VerificationKey>();
  #fetchedAt = Number.NEGATIVE_INFINITY;
  #inFlight: Promise<void> | undefined;
  #retryNotBefore = Number.NEGATIVE_INFINITY;

  constructor(fetchKeys: () => Promise<Jwk[]>, options: JwksKeyStoreOptions) {
    this.#fetchKeys = fetchKeys;
    this.#options = { now: Date.now, retryAfterErrorSeconds: 5, ...options };
  }

  async keyFor(kid: string): Promise<VerificationKey | undefined> {
    const now = this.#options.now();
    const age = now - this.#fetchedAt;
    const stale = age >= this.#options.ttlSeconds * 1000;
    const unknownKid = !this.#keys.has(kid) && age >= this.#options.refetchCooldownSeconds * 1000;
    if ((stale || unknownKid) && now >= this.#retryNotBefore) await this.#refreshOrKeepStale();
    return this.#keys.get(kid);
  }

  async #refreshOrKeepStale(): Promise<void> {
    try {
      await this.#refresh();
    } catch (error) {
      if (this.#fetchedAt === Number.NEGATIVE_INFINITY) throw error;
      this.#retryNotBefore = this.#options.now() + this.#options.retryAfterErrorSeconds * 1000;
    }
  }

  /** Concurrent callers share one fetch. */
  async #refresh(): Promise<void> {
    this.#inFlight ??= this.#load().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  async #load(): Promise<void> {
    const jwks = await this.#fetchKeys();
    const keys = new Map<string, VerificationKey>();
    for (const jwk of jwks.filter(isEd25519SigningKey)) {
      const publicJwk: JWK = { kty: jwk.kty, crv: jwk.crv, x: jwk.x };
      keys.set(jwk.kid, await importJWK(publicJwk, ACCESS_TOKEN_ALGORITHM));
    }
    this.#keys = keys;
    this.#fetchedAt = this.#options.now();
  }
}
