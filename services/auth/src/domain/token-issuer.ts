import { randomUUID } from 'node:crypto';
import { signCompactJws } from './compact-jws.ts';
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

/** Clock and token ids, injectable so tests can pin them. */
export interface TokenSources {
  nowSeconds: () => number;
  newId: () => string;
}

const systemSources: TokenSources = { nowSeconds: () => Math.floor(Date.now() / 1000), newId: randomUUID };

/** Signs EdDSA access tokens (RFC 9068 `at+jwt`) with the current key and its `kid`. */
export class TokenIssuer {
  readonly #keys: Pick<SigningKeyStore, 'currentKey'>;
  readonly #settings: TokenSettings;
  readonly #sources: TokenSources;

  constructor(keys: Pick<SigningKeyStore, 'currentKey'>, settings: TokenSettings, sources: TokenSources = systemSources) {
    this.#keys = keys;
    this.#settings = settings;
    this.#sources = sources;
  }

  get accessTokenTtlSeconds(): number {
    return this.#settings.accessTokenTtlSeconds;
  }

  /** A down-scoped token for one organization (and app), from token exchange. */
  serviceToken(subject: ServiceTokenSubject, ttlSeconds: number): string {
    const audience = subject.appId ? [this.#settings.audience, subject.appId] : this.#settings.audience;
    const claims = { sid: subject.sessionId, org_id: subject.organizationId, role: subject.role, amr: subject.amr, scope: subject.scope, ...(subject.appId ? { app_id: subject.appId } : {}) };
    return this.#sign(SERVICE_TOKEN_TYPE, claims, audience, subject.userId, ttlSeconds);
  }

  accessToken(subject: AccessTokenSubject): string {
    return this.#sign(ACCESS_TOKEN_TYPE, { sid: subject.sessionId }, this.#settings.audience, subject.userId, this.#settings.accessTokenTtlSeconds);
  }

  /**
   * An access token that expires no later than its session (near a session's absolute end
   * the usual lifetime would outlast it: the gateway would accept the token while every
   * other route said the session was over), and its lifetime in seconds, at least one.
   */
  accessTokenWithin(subject: AccessTokenSubject, sessionEndsAt: Date): { token: string; expiresIn: number } {
    const untilEnd = Math.floor(sessionEndsAt.getTime() / 1000) - this.#sources.nowSeconds();
    const expiresIn = Math.max(1, Math.min(this.#settings.accessTokenTtlSeconds, untilEnd));
    return { token: this.#sign(ACCESS_TOKEN_TYPE, { sid: subject.sessionId }, this.#settings.audience, subject.userId, expiresIn), expiresIn };
  }

  /** The registered claims follow the token's own, in the order jose's SignJWT set them. */
  #sign(typ: string, claims: Record<string, unknown>, audience: string | string[], subject: string, ttlSeconds: number): string {
    const { kid, privateKey } = this.#keys.currentKey();
    const iat = this.#sources.nowSeconds();
    return signCompactJws(
      { alg: SIGNING_ALGORITHM, typ, kid },
      { ...claims, iss: this.#settings.issuer, aud: audience, sub: subject, jti: this.#sources.newId(), iat, exp: iat + ttlSeconds },
      privateKey,
    );
  }
}
