import { errors as joseErrors, jwtVerify, type JWTHeaderParameters } from 'jose';
import { z } from 'zod';
import { AppError } from '#libs/errors';
import { ACCESS_TOKEN_ALGORITHM, type JwksKeyStore } from './jwks-key-store.ts';

export const ACCESS_TOKEN_TYPE = 'at+jwt';

/** One message for every way a token can be wrong: a client learns nothing from the difference. */
export const INVALID_TOKEN_MESSAGE = 'The access token is invalid or expired.';

/** Tokens longer than this are refused before any parsing. */
const MAX_TOKEN_LENGTH = 4096;

const accessTokenClaims = z.object({
  sub: z.string().min(1),
  sid: z.string().min(1),
  jti: z.string().min(1),
  exp: z.number(),
  iat: z.number(),
});

export type AccessTokenClaims = z.infer<typeof accessTokenClaims>;

/** What the authentication middleware needs; tests may substitute their own. */
export interface AccessTokenVerifier {
  verify(token: string): Promise<AccessTokenClaims>;
}

export interface AccessTokenVerifierOptions {
  issuer: string;
  audience: string;
  /** Seconds of clock skew tolerated on exp/nbf/iat. */
  clockToleranceSeconds?: number;
}

/**
 * Verifies the auth service's access tokens locally. The key comes only from our JWKS,
 * looked up by `kid`: `jwk`, `jku` and `x5u` headers are never consulted. The algorithm is
 * pinned, and `typ`, issuer, audience and time claims are checked before any claim is read.
 */
export function createAccessTokenVerifier(keys: JwksKeyStore, options: AccessTokenVerifierOptions): AccessTokenVerifier {
  async function keyLookup(header: JWTHeaderParameters) {
    const key = header.kid === undefined ? undefined : await keys.keyFor(header.kid);
    if (key === undefined) throw new joseErrors.JWKSNoMatchingKey();
    return key;
  }

  return {
    async verify(token) {
      if (token.length > MAX_TOKEN_LENGTH) throw AppError.unauthenticated(INVALID_TOKEN_MESSAGE);
      try {
        const { payload } = await jwtVerify(token, keyLookup, {
          algorithms: [ACCESS_TOKEN_ALGORITHM],
          typ: ACCESS_TOKEN_TYPE,
          issuer: options.issuer,
          audience: options.audience,
          requiredClaims: ['sub', 'sid', 'jti', 'exp', 'iat'],
          clockTolerance: options.clockToleranceSeconds ?? 5,
        });
        const claims = accessTokenClaims.safeParse(payload);
        if (!claims.success) throw AppError.unauthenticated(INVALID_TOKEN_MESSAGE);
        return claims.data;
      } catch (error) {
        // A JWKS fetch failure is an outage (503), not a bad token; it passes through.
        if (error instanceof joseErrors.JOSEError) throw AppError.unauthenticated(INVALID_TOKEN_MESSAGE);
        throw error;
      }
    },
  };
}
