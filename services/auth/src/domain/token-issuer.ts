import { SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { SIGNING_ALGORITHM, type SigningKeyStore } from './signing-keys.ts';

export const ACCESS_TOKEN_TYPE = 'at+jwt';
/** A distinct type, so a service token can never pass where a user's access token is required. */
export const SERVICE_TOKEN_TYPE = 'svc+jwt';

export interface TokenSettings {
  issuer: string;
  audience: string;
  accessTokenTtlSeconds: number;
}

export interface AccessTokenSubject {
  userId: string;
  sessionId: string;
}

export interface ServiceTokenSubject extends AccessTokenSubject {
  organizationId: string;
  appId?: string | undefined;
  /** Informational only: authorization always reads the current membership. */
  role: string;
  amr: string[];
  scope: string;
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

  /** A down-scoped token for one organization (and app), from token exchange. */
  async serviceToken(subject: ServiceTokenSubject, ttlSeconds: number): Promise<string> {
    const { kid, privateKey } = this.#keys.currentKey();
    const audience = subject.appId ? [this.#settings.audience, subject.appId] : this.#settings.audience;
    return new SignJWT({ sid: subject.sessionId, org_id: subject.organizationId, role: subject.role, amr: subject.amr, scope: subject.scope, ...(subject.appId ? { app_id: subject.appId } : {}) })
      .setProtectedHeader({ alg: SIGNING_ALGORITHM, typ: SERVICE_TOKEN_TYPE, kid })
      .setIssuer(this.#settings.issuer)
      .setAudience(audience)
      .setSubject(subject.userId)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(privateKey);
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
