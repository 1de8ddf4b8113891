import { errors as joseErrors, type JWTPayload } from 'jose';

/**
 * Why offered credentials were refused, as the security log names it (never the client, who
 * hears one message for all of them). Each is a distinction the verifier really makes.
 */
export type RefusalReason =
  | 'expired'
  | 'not_yet_valid'
  | 'bad_signature'
  | 'unknown_kid'
  | 'wrong_algorithm'
  | 'wrong_type'
  | 'wrong_audience'
  | 'wrong_issuer'
  | 'invalid_claims'
  | 'malformed'
  | 'session_revoked'
  | 'both_credentials'
  | 'api_key_not_accepted';

/** A refusal's reason, and whose token it was when the token was provably ours. */
export interface TokenRefusal {
  reason: RefusalReason;
  userId?: string | undefined;
  sessionId?: string | undefined;
}

/** Ids are logged only as plain, short strings, whatever a claim held. */
const plainId = (value: unknown): string | undefined => (typeof value === 'string' && value.length <= 128 ? value : undefined);

function claimReason(error: joseErrors.JWTClaimValidationFailed): RefusalReason {
  if (error.claim === 'iss') return 'wrong_issuer';
  if (error.claim === 'aud') return 'wrong_audience';
  if (error.claim === 'typ') return 'wrong_type';
  if ((error.claim === 'nbf' || error.claim === 'iat') && error.reason === 'check_failed') return 'not_yet_valid';
  return 'invalid_claims';
}

function reasonOf(cause: unknown): RefusalReason {
  if (cause instanceof joseErrors.JWTExpired) return 'expired';
  if (cause instanceof joseErrors.JWTClaimValidationFailed) return claimReason(cause);
  if (cause instanceof joseErrors.JWSSignatureVerificationFailed) return 'bad_signature';
  // Raised by the key lookup for a kid our JWKS does not publish, or none at all.
  if (cause instanceof joseErrors.JWKSNoMatchingKey) return 'unknown_kid';
  if (cause instanceof joseErrors.JOSEAlgNotAllowed) return 'wrong_algorithm';
  return 'malformed';
}

/**
 * Reads the verifier's 401 (its cause is what jose found wrong). jose checks the claims only
 * after the signature, so a claim error's payload was signed by auth: its `sub` and `sid`
 * say whose token it was (an expired one, say). Any other payload is unverified and ignored.
 */
export function tokenRefusalOf(cause: unknown): TokenRefusal {
  const reason = reasonOf(cause);
  const signed = cause instanceof joseErrors.JWTExpired || cause instanceof joseErrors.JWTClaimValidationFailed;
  if (!signed) return { reason };
  const payload: JWTPayload = cause.payload;
  return { reason, userId: plainId(payload.sub), sessionId: plainId(payload.sid) };
}
