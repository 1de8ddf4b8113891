import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { BoundedMap } from '#libs/bounded-map';
import { AppError } from '#libs/errors';
import type { Principal } from './principal.ts';

/** Metadata key that carries the signed internal assertion on every gRPC call. */
export const ASSERTION_METADATA_KEY = 'x-egp-assertion';

const ISSUER = 'egp-internal';
const AUDIENCE = 'egp-services';
const CLOCK_TOLERANCE_SECONDS = 5;
/** A cached assertion is reused while it has at least this long to live. */
const REUSE_MARGIN_SECONDS = 20;
/**
 * Assertions remembered as verified. A caller reuses one assertion per principal for its
 * whole lifetime, so a service sees the same few strings again and again; past this many,
 * the oldest is forgotten (and verified again if it comes back).
 */
const VERIFIED_CACHE_SIZE = 10_000;

/**
 * The one header we sign and accept, compared byte for byte: the algorithm and type are
 * pinned by construction, and a token with any other header (`alg: none`, another `typ`,
 * an embedded key) never reaches the signature check.
 */
const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'egp-assertion+jwt' })).toString('base64url');

const principalSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('anonymous'), ip: z.string().optional() }),
  z.object({
    kind: z.literal('user'),
    userId: z.string().min(1),
    sessionId: z.string().min(1),
    tokenType: z.enum(['access', 'service']),
    organizationId: z.string().optional(),
    amr: z.array(z.string()).optional(),
    scopes: z.array(z.string()).optional(),
    ip: z.string().optional(),
  }),
  z.object({
    kind: z.literal('api_key'),
    keyId: z.string().min(1),
    appId: z.string().min(1),
    organizationId: z.string().min(1),
    scopes: z.array(z.string()),
    ip: z.string().optional(),
  }),
  z.object({ kind: z.literal('service'), service: z.string().min(1) }),
]);

const claimsSchema = z.object({
  iss: z.literal(ISSUER),
  aud: z.literal(AUDIENCE),
  iat: z.number(),
  exp: z.number(),
  src: z.string(),
  principal: z.unknown(),
});

const invalid = () => AppError.unauthenticated('Invalid internal assertion.');

/** Within the assertion's lifetime, allowing for clock skew between processes. */
function isCurrent(claims: { iat: number; exp: number }, now: number): boolean {
  return claims.exp + CLOCK_TOLERANCE_SECONDS > now && claims.iat - CLOCK_TOLERANCE_SECONDS <= now;
}

/** The principal and its arrays (scopes, amr), frozen: one object serves every call that carries the assertion. */
function deepFreeze(principal: Principal): Principal {
  for (const value of Object.values(principal)) if (Array.isArray(value)) Object.freeze(value);
  return Object.freeze(principal);
}

/**
 * Signs and verifies the short-lived assertion (a compact HS256 JWS) the gateway attaches to
 * each call it makes on a client's behalf, and services attach to calls of their own.
 * Services never trust unsigned identity metadata; a forged or expired assertion is
 * UNAUTHENTICATED. HMAC runs synchronously with node:crypto: a few microseconds, where a
 * WebCrypto round trip through the thread pool cost a hundred and fifty on every hop.
 */
export class AssertionSigner {
  /**
   * A KeyObject, not the raw bytes: handed a Buffer, createHmac re-imports the key on every
   * call, which cost more than the MAC itself on each hop.
   */
  readonly #key: KeyObject;
  readonly #ttlSeconds: number;
  /** One signature per principal object and caller: the calls made for one request share it. */
  readonly #issued = new WeakMap<Principal, Map<string, { token: string; expiresAt: number }>>();
  /**
   * Assertions whose signature and claims were checked, by their exact text, with the frozen
   * principal they carry: a repeat costs a lookup and the time check, not a MAC, a JSON parse
   * and two schema parses (about a tenth of a read's CPU in profile-data).
   */
  readonly #verified = new BoundedMap<string, { principal: Principal; iat: number; exp: number }>(VERIFIED_CACHE_SIZE);

  constructor(secret: string, ttlSeconds = 60) {
    this.#key = createSecretKey(Buffer.from(secret));
    this.#ttlSeconds = Math.max(ttlSeconds, REUSE_MARGIN_SECONDS * 2);
  }

  async sign(principal: Principal, issuer: string): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const byIssuer = this.#issued.get(principal) ?? new Map<string, { token: string; expiresAt: number }>();
    const cached = byIssuer.get(issuer);
    if (cached && cached.expiresAt - now >= REUSE_MARGIN_SECONDS) return Promise.resolve(cached.token);

    const expiresAt = now + this.#ttlSeconds;
    const payload = Buffer.from(JSON.stringify({ principal, src: issuer, iss: ISSUER, aud: AUDIENCE, iat: now, exp: expiresAt })).toString('base64url');
    const token = `${HEADER}.${payload}.${this.#mac(`${HEADER}.${payload}`).toString('base64url')}`;
    byIssuer.set(issuer, { token, expiresAt });
    this.#issued.set(principal, byIssuer);
    return Promise.resolve(token);
  }

  async verify(token: string | undefined): Promise<Principal> {
    return Promise.resolve(this.#verify(token));
  }

  #verify(token: string | undefined): Principal {
    if (!token) throw AppError.unauthenticated('Missing internal assertion.');
    const now = Math.floor(Date.now() / 1000);
    const known = this.#verified.get(token);
    if (known) {
      if (isCurrent(known, now)) return known.principal;
      this.#verified.delete(token);
      throw invalid();
    }
    const verified = this.#verifySignedClaims(token);
    if (!isCurrent(verified, now)) throw invalid();
    this.#verified.set(token, verified);
    return verified.principal;
  }

  /** Signature, then claims, then the principal's shape; the result is frozen, as it is shared. */
  #verifySignedClaims(token: string): { principal: Principal; iat: number; exp: number } {
    const [header, payload, signature, extra] = token.split('.');
    if (header !== HEADER || !payload || !signature || extra !== undefined) throw invalid();
    const expected = this.#mac(`${header}.${payload}`);
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();

    let claims: z.infer<typeof claimsSchema>;
    try {
      claims = claimsSchema.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
    } catch {
      throw invalid();
    }
    const principal = principalSchema.safeParse(claims.principal);
    if (!principal.success) throw AppError.unauthenticated('Malformed internal assertion.');
    return { principal: deepFreeze(principal.data), iat: claims.iat, exp: claims.exp };
  }

  #mac(data: string): Buffer {
    return createHmac('sha256', this.#key).update(data).digest();
  }
}
