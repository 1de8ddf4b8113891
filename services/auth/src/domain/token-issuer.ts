import { SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { SIGNING_ALGORITHM, type SigningKeyStore } from './signing-keys.ts';

export const ACCESS_TOKEN_TYPE = 'at+jwt';

export interface TokenSettings {
  issuer: string;
  audience: string;
  accessTokenTtlSeconds: number;
}

export interface AccessTokenSubject {
  userId: string;
  sessionId: string;
}

/** Signs EdDSA access tokens (RFC 9068 `at+jwt`) with the current key and its `kid`. */
export class TokenIssuer {
  readonly #keys: SigningKeyStore;
  readonly #settings: TokenSettings;

  constructor(keys: SigningKeyStore, settings: TokenSettings) {
    this.#keys = keys;
    this.#settings = settings;
  }

  get accessTokenTtlSeconds(): number {
    return this.#settings.accessTokenTtlSeconds;
  }

  async accessToken(subject: AccessTokenSubject): Promise<string> {
    const { kid, privateKey } = this.#keys.currentKey();
    return new SignJWT({ sid: subject.sessionId })
      .setProtectedHeader({ alg: SIGNING_ALGORITHM, typ: ACCESS_TOKEN_TYPE, kid })
      .setIssuer(this.#settings.issuer)
      .setAudience(this.#settings.audience)
      .setSubject(subject.userId)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(`${this.#settings.accessTokenTtlSeconds}s`)
      .sign(privateKey);
  }
}
