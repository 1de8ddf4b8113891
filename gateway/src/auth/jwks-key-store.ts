import { importJWK, type JWK } from 'jose';
import type { Jwk } from '#gen/egp/auth/v1/auth_service';

export const ACCESS_TOKEN_ALGORITHM = 'EdDSA';

export interface JwksKeyStoreOptions {
  /** Keys are refetched when older than this. */
  ttlSeconds: number;
  /** An unknown `kid` triggers a refetch at most this often, so garbage kids cannot flood auth. */
  refetchCooldownSeconds: number;
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
 * rate-limited by the cooldown. Fetch failures propagate (fail closed).
 */
export class JwksKeyStore {
  readonly #fetchKeys: () => Promise<Jwk[]>;
  readonly #options: Required<JwksKeyStoreOptions>;
  #keys = new Map<string, VerificationKey>();
  #fetchedAt = Number.NEGATIVE_INFINITY;
  #inFlight: Promise<void> | undefined;

  constructor(fetchKeys: () => Promise<Jwk[]>, options: JwksKeyStoreOptions) {
    this.#fetchKeys = fetchKeys;
    this.#options = { now: Date.now, ...options };
  }

  async keyFor(kid: string): Promise<VerificationKey | undefined> {
    const age = this.#options.now() - this.#fetchedAt;
    if (age >= this.#options.ttlSeconds * 1000) await this.#refresh();
    else if (!this.#keys.has(kid) && age >= this.#options.refetchCooldownSeconds * 1000) await this.#refresh();
    return this.#keys.get(kid);
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
