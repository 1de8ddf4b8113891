import { errors as joseErrors, jwtVerify, type JWTHeaderParameters, type JWTPayload } from 'jose';
import { z } from 'zod';
import { BoundedMap } from '#libs/bounded-map';
import { AppError } from '#libs/errors';
import { ACCESS_TOKEN_ALGORITHM, type JwksKeyStore } from './jwks-key-store.ts';

/** A user's own access token (RFC 9068). */
export const ACCESS_TOKEN_TYPE = 'at+jwt';
/** A down-scoped token from token exchange, bound to one organization (and app). */
export const SERVICE_TOKEN_TYPE = 'svc+jwt';

/** One message for every way a token can be wrong: a client learns nothing from the difference. */
export const INVALID_TOKEN_MESSAGE = 'The access token is invalid or expired.';

/** Tokens longer than this are refused before any parsing. */
const MAX_TOKEN_LENGTH = 4096;

const sharedClaims = {
  sub: z.string().min(1),
  sid: z.string().min(1),
  jti: z.string().min(1),
  exp: z.number(),
  iat: z.number(),
};

const accessTokenClaims = z.object({
  ...sharedClaims,
  // Exactly our audience: a token meant for an app (e.g. SSO, `aud` = the app) never passes.
  aud: z.union([z.string(), z.tuple([z.string()])]),
});

const serviceTokenClaims = z.object({
  ...sharedClaims,
  // Our audience, optionally followed by the app the token is bound to.
  aud: z.union([z.string(), z.tuple([z.string()]), z.tuple([z.string(), z.string().min(1)])]),
  org_id: z.string().min(1),
  amr: z.array(z.string()),
  scope: z.string(),
});

/** Who a verified token speaks for; `authenticate` adds the client's IP to make a principal. */
export type VerifiedToken =
  | { type: 'access'; userId: string; sessionId: string }
  | { type: 'service'; userId: string; sessionId: string; organizationId: string; amr: string[]; scopes: string[] };

/** What the authentication middleware needs; tests may substitute their own. */
export interface AccessTokenVerifier {
  verify(token: string): Promise<VerifiedToken>;
}

export interface AccessTokenVerifierOptions {
  issuer: string;
  audience: string;
  /** Seconds of clock skew tolerated on exp/nbf/iat. */
  clockToleranceSeconds?: number;
  /** How many verified tokens to remember; 0 turns the cache off. */
  cacheSize?: number;
  /** Milliseconds since the epoch; injected so tests control time. */
  now?: () => number;
}

/** A verified token is re-checked in full at least this often, even if it lives longer. */
const CACHE_RECHECK_MS = 60_000;

/**
 * Remembers tokens that verified, until they expire (or a minute passes), so a client's
 * repeated requests skip the signature check. Only the exact same token string hits; the
 * oldest entries go first when it is full. Revocation is checked per request elsewhere.
 */
class VerifiedTokenCache {
  readonly #entries: BoundedMap<string, { verified: VerifiedToken; validUntil: number }>;
  readonly #now: () => number;

  constructor(size: number, now: () => number) {
    this.#entries = new BoundedMap(size);
    this.#now = now;
  }

  get(token: string): VerifiedToken | undefined {
    const entry = this.#entries.get(token);
    if (entry === undefined) return undefined;
    if (entry.validUntil > this.#now()) return entry.verified;
    this.#entries.delete(token);
    return undefined;
  }

  set(token: string, verified: VerifiedToken, expiresAtSeconds: number): void {
    this.#entries.set(token, { verified, validUntil: Math.min(expiresAtSeconds * 1000, this.#now() + CACHE_RECHECK_MS) });
  }
}

/**
 * The one 401 for every bad token. What jose found wrong is kept as the cause (never sent to a
 * client), so the gateway's security log can name the real reason; the verifier's own checks
 * report theirs as jose would.
 */
const invalidToken = (cause: joseErrors.JOSEError) => new AppError('UNAUTHENTICATED', INVALID_TOKEN_MESSAGE, { cause });
/** A claim of a correctly signed token that is wrong: `payload` is ours, hence trustworthy. */
const claimFailed = (payload: JWTPayload, claim: string, reason: 'check_failed' | 'invalid') =>
  new joseErrors.JWTClaimValidationFailed(`"${claim}" claim ${reason}`, payload, claim, reason);
/** The first claim our schema refused (an access token's `aud` naming an app too, say). */
const firstInvalidClaim = (error: z.ZodError) => String(error.issues[0]?.path[0] ?? 'unspecified');

/** `typ` compared as jose does it: case-insensitively, `application/` prefix optional (RFC 7515 §4.1.9). */
function normalizedType(header: JWTHeaderParameters): string | undefined {
  return typeof header.typ === 'string' ? header.typ.toLowerCase().replace(/^application\//, '') : undefined;
}

/** The first audience entry must be ours; jose only checked that ours is among them. */
function firstAudience(aud: string | string[]): string {
  return typeof aud === 'string' ? aud : (aud[0] ?? '');
}

function toVerifiedToken(type: string | undefined, payload: JWTPayload, audience: string): VerifiedToken {
  if (type === ACCESS_TOKEN_TYPE) {
    const claims = accessTokenClaims.safeParse(payload);
    if (!claims.success) throw claimFailed(payload, firstInvalidClaim(claims.error), 'invalid');
    if (firstAudience(claims.data.aud) !== audience) throw claimFailed(payload, 'aud', 'check_failed');
    return { type: 'access', userId: claims.data.sub, sessionId: claims.data.sid };
  }
  if (type === SERVICE_TOKEN_TYPE) {
    const claims = serviceTokenClaims.safeParse(payload);
    if (!claims.success) throw claimFailed(payload, firstInvalidClaim(claims.error), 'invalid');
    if (firstAudience(claims.data.aud) !== audience) throw claimFailed(payload, 'aud', 'check_failed');
    const { sub, sid, org_id, amr, scope } = claims.data;
    return { type: 'service', userId: sub, sessionId: sid, organizationId: org_id, amr, scopes: scope.split(' ').filter(Boolean) };
  }
  // Refresh, SSO, plain `JWT` or no typ at all: none of them is a bearer credential here.
  throw claimFailed(payload, 'typ', 'check_failed');
}

/**
 * Verifies the auth service's bearer tokens locally: users' access tokens (`at+jwt`) and
 * service tokens from token exchange (`svc+jwt`), nothing else. The key comes only from our
 * JWKS, looked up by `kid`: `jwk`, `jku` and `x5u` headers are never consulted. The
 * algorithm is pinned; signature, issuer, audience and time claims are checked before
 * `typ` and the claims are read.
 */
export function createAccessTokenVerifier(keys: JwksKeyStore, options: AccessTokenVerifierOptions): AccessTokenVerifier {
  async function keyLookup(header: JWTHeaderParameters) {
    const key = header.kid === undefined ? undefined : await keys.keyFor(header.kid);
    if (key === undefined) throw new joseErrors.JWKSNoMatchingKey();
    return key;
  }

  const now = options.now ?? Date.now;
  const clockTolerance = options.clockToleranceSeconds ?? 5;
  const cache = new VerifiedTokenCache(options.cacheSize ?? 10_000, now);

  return {
    async verify(token) {
      if (token.length > MAX_TOKEN_LENGTH) throw invalidToken(new joseErrors.JWTInvalid('token too long'));
      const cached = cache.get(token);
      if (cached !== undefined) return cached;
      try {
        const { payload, protectedHeader } = await jwtVerify(token, keyLookup, {
          algorithms: [ACCESS_TOKEN_ALGORITHM],
          issuer: options.issuer,
          audience: options.audience,
          requiredClaims: ['sub', 'sid', 'jti', 'exp', 'iat'],
          clockTolerance,
          currentDate: new Date(now()),
        });
        // jose checks iat's shape only: a token "issued" after now is forged or from a broken clock.
        if ((payload.iat ?? 0) > now() / 1000 + clockTolerance) throw claimFailed(payload, 'iat', 'check_failed');
        const verified = toVerifiedToken(normalizedType(protectedHeader), payload, options.audience);
        cache.set(token, verified, payload.exp ?? 0);
        return verified;
      } catch (error) {
        // A JWKS fetch failure is an outage (503), not a bad token; it passes through.
        if (error instanceof joseErrors.JOSEError) throw invalidToken(error);
        throw error;
      }
    },
  };
}
