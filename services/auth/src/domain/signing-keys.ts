import type { EntityManager } from '@mikro-orm/postgresql';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { createPrivateKey, randomUUID, type KeyObject } from 'node:crypto';
import { AppError } from '#libs/errors';
import type { Logger } from '#libs/logging';
import { SigningKeySchema, type SigningKey, type SigningKeyStatus } from '../db/entities/index.ts';
import type { KeyEncryption } from './key-encryption.ts';

export const SIGNING_ALGORITHM = 'EdDSA';

export interface PublicJwk {
  kid: string;
  kty: string;
  crv: string;
  x: string;
  alg: string;
  use: string;
}

interface ActiveKey {
  kid: string;
  /** A node:crypto key: tokens are signed synchronously with it (see compact-jws.ts). */
  privateKey: KeyObject;
}

/** Advisory lock key so that replicas never create or rotate keys at the same time. */
const KEY_LOCK = 7_242_001;
const PUBLISHED: SigningKeyStatus[] = ['next', 'current', 'previous'];

export interface SigningKeyStoreOptions {
  /**
   * How long a retired key stays in the JWKS after its retirement: at least as long as a
   * token it signed can live (plus how late a replica may pick a rotation up), so two
   * rotations in quick succession never leave a valid token without its key.
   */
  retiredKeyPublishSeconds: number;
  /**
   * How long the next key must have been published before it may sign: every replica's
   * reload plus every verifier's JWKS cache. A rotation before that is refused unless forced.
   */
  minPublishedSeconds: number;
}

/**
 * Ed25519 signing keys kept in Postgres with the private half encrypted. Rotation is staged
 * (next → current → previous → retired) so no verifier ever meets a token whose key it could
 * not have fetched; every replica reloads the set periodically and picks a rotation up.
 */
export class SigningKeyStore {
  readonly #em: EntityManager;
  readonly #encryption: KeyEncryption;
  readonly #logger: Logger;
  readonly #options: SigningKeyStoreOptions;
  #current: ActiveKey | undefined;
  #publicKeys: PublicJwk[] = [];

  constructor(em: EntityManager, encryption: KeyEncryption, logger: Logger, options: SigningKeyStoreOptions) {
    this.#em = em;
    this.#encryption = encryption;
    this.#logger = logger;
    this.#options = options;
  }

  /** Loads the keys, creating the first current and next keys if missing. */
  async initialize(): Promise<void> {
    await this.#em.fork().transactional(async (em) => {
      await em.execute('select pg_advisory_xact_lock(?)', [KEY_LOCK]);
      for (const status of ['current', 'next'] as const) {
        if ((await em.count(SigningKeySchema, { status })) === 0) em.persist(await this.#newKey(em, status));
      }
    });
    await this.reload();
  }

  /** Re-reads the published keys and switches signing to the current one. */
  async reload(): Promise<void> {
    const retiredSince = new Date(Date.now() - this.#options.retiredKeyPublishSeconds * 1000);
    const published = { $or: [{ status: { $in: PUBLISHED } }, { status: 'retired' as const, rotatedAt: { $gt: retiredSince } }] };
    const keys = await this.#em.fork().find(SigningKeySchema, published, { orderBy: { createdAt: 'desc' } });
    this.#publicKeys = keys.map((key) => key.publicJwk as unknown as PublicJwk);
    const current = keys.find((key) => key.status === 'current');
    if (!current || this.#current?.kid === current.kid) return;
    const der = this.#encryption.decrypt(current.privateKeyEncrypted, current.kid);
    const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`Signing key ${current.kid} is not an Ed25519 key.`);
    this.#current = { kid: current.kid, privateKey };
    this.#logger.info({ kid: current.kid }, 'signing key loaded');
  }

  /**
   * Promotes next to current, keeps the old current as previous, retires the one before.
   * Refuses while the next key is too young for every verifier to have fetched it (two
   * rotations in quick succession), unless forced: then its tokens may be refused a while.
   */
  async rotate({ force = false }: { force?: boolean } = {}): Promise<string> {
    const promoted = await this.#em.fork().transactional(async (em) => {
      await em.execute('select pg_advisory_xact_lock(?)', [KEY_LOCK]);
      const now = new Date();
      const next = await em.findOne(SigningKeySchema, { status: 'next' });
      if (next && !force) this.#assertPublishedLongEnough(next, now);
      await em.nativeUpdate(SigningKeySchema, { status: 'previous' }, { status: 'retired', rotatedAt: now });
      await em.nativeUpdate(SigningKeySchema, { status: 'current' }, { status: 'previous', rotatedAt: now });
      const promotedKey = next ?? (await this.#newKey(em, 'next'));
      promotedKey.status = 'current';
      promotedKey.rotatedAt = now;
      em.persist([promotedKey, await this.#newKey(em, 'next')]);
      return promotedKey.kid;
    });
    await this.reload();
    this.#logger.info({ kid: promoted }, 'signing keys rotated');
    return promoted;
  }

  #assertPublishedLongEnough(next: SigningKey, now: Date): void {
    const publishedSeconds = Math.floor((now.getTime() - next.createdAt.getTime()) / 1000);
    const waitSeconds = this.#options.minPublishedSeconds - publishedSeconds;
    if (waitSeconds <= 0) return;
    throw new AppError(
      'PRECONDITION_FAILED',
      `The next signing key has been published for ${publishedSeconds} s of the ${this.#options.minPublishedSeconds} s verifiers need to fetch it: ` +
        `rotate again in ${waitSeconds} s, or force the rotation (a compromised key) and accept refused tokens until their caches catch up.`,
    );
  }

  currentKey(): ActiveKey {
    if (!this.#current) throw new Error('Signing keys are not initialized.');
    return this.#current;
  }

  publicKeys(): PublicJwk[] {
    return this.#publicKeys;
  }

  async #newKey(em: EntityManager, status: SigningKeyStatus): Promise<SigningKey> {
    const kid = randomUUID();
    const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { crv: 'Ed25519', extractable: true });
    const jwk: JWK = await exportJWK(publicKey);
    const der = Buffer.from(await crypto.subtle.exportKey('pkcs8', privateKey));
    return em.create(SigningKeySchema, {
      kid,
      algorithm: SIGNING_ALGORITHM,
      publicJwk: { kid, kty: jwk.kty ?? 'OKP', crv: jwk.crv ?? 'Ed25519', x: jwk.x ?? '', alg: SIGNING_ALGORITHM, use: 'sig' },
      privateKeyEncrypted: this.#encryption.encrypt(der, kid),
      status,
      createdAt: new Date(),
      rotatedAt: null,
    });
  }
}
