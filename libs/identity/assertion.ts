import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { AppError } from '#libs/errors';
import type { Principal } from './principal.ts';

/** Metadata key that carries the signed internal assertion on every gRPC call. */
export const ASSERTION_METADATA_KEY = 'x-egp-assertion';

const ISSUER = 'egp-internal';
const AUDIENCE = 'egp-services';
const TYPE = 'egp-assertion+jwt';
const ALGORITHM = 'HS256';

const principalSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('anonymous'), ip: z.string().optional() }),
  z.object({
    kind: z.literal('user'),
    userId: z.string().min(1),
    sessionId: z.string().min(1),
    tokenType: z.enum(['access', 'service']),
    organizationId: z.string().optional(),
    amr: z.array(z.string()).optional(),
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

/**
 * Signs and verifies the short-lived assertion the gateway attaches to each call it makes
 * on a client's behalf (and services attach to calls of their own). Services never trust
 * unsigned identity metadata; a forged or expired assertion is UNAUTHENTICATED.
 */
export class AssertionSigner {
  readonly #key: Uint8Array;
  readonly #ttlSeconds: number;

  constructor(secret: string, ttlSeconds = 60) {
    this.#key = new TextEncoder().encode(secret);
    this.#ttlSeconds = ttlSeconds;
  }

  async sign(principal: Principal, issuer: string): Promise<string> {
    return new SignJWT({ principal, src: issuer })
      .setProtectedHeader({ alg: ALGORITHM, typ: TYPE })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${this.#ttlSeconds}s`)
      .sign(this.#key);
  }

  async verify(token: string | undefined): Promise<Principal> {
    if (!token) throw AppError.unauthenticated('Missing internal assertion.');
    try {
      const { payload } = await jwtVerify(token, this.#key, {
        algorithms: [ALGORITHM],
        issuer: ISSUER,
        audience: AUDIENCE,
        typ: TYPE,
        clockTolerance: 5,
      });
      const parsed = principalSchema.safeParse(payload.principal);
      if (!parsed.success) throw AppError.unauthenticated('Malformed internal assertion.');
      return parsed.data;
    } catch (error) {
      if (error instanceof AppError) throw error;
      if (error instanceof joseErrors.JOSEError) throw AppError.unauthenticated('Invalid internal assertion.');
      throw error;
    }
  }
}
