import type { Request, RequestHandler, Response } from 'express';
import { BoundedMap } from '#libs/bounded-map';
import { AppError } from '#libs/errors';
import type { Principal } from '#libs/identity';
import type { SessionRevocationList } from '#libs/session-revocation';
import { INVALID_TOKEN_MESSAGE, type AccessTokenVerifier, type VerifiedToken } from '../auth/access-token-verifier.ts';
import { clientBucket } from './rate-limit.ts';
import { credentialsRefused } from './security-log.ts';
import { tokenRefusalOf } from './token-refusal.ts';
import './request-context.ts';

type UserPrincipal = Extract<Principal, { kind: 'user' }>;

const bearer = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i;

/**
 * API keys arrive in a later issue. Until then a request that offers one is refused plainly,
 * rather than being served as anonymous, so a client never mistakes a public answer for an
 * authorized one. This is the hook: resolve the key to an `api_key` principal here.
 */
async function authenticateApiKey(): Promise<Principal> {
  throw credentialsRefused('API keys are not accepted yet; use a bearer access token.', 'api_key', { reason: 'api_key_not_accepted' });
}

/** What verifying a bearer token takes: the signature and claims, then the session's standing. */
export interface BearerCheck {
  verifier: AccessTokenVerifier;
  revocations: Pick<SessionRevocationList, 'isRevoked'>;
}

function toPrincipal(token: VerifiedToken, ip: string | undefined): UserPrincipal {
  const { userId, sessionId } = token;
  if (token.type === 'access') return { kind: 'user', tokenType: 'access', userId, sessionId, ip };
  return { kind: 'user', tokenType: 'service', organizationId: token.organizationId, amr: token.amr, scopes: token.scopes, userId, sessionId, ip };
}

/**
 * The verifier hands back the same object for a token it has seen, so the principal built
 * from it is kept beside it (per client address) and reused, frozen: the internal assertion
 * signed for a principal object is reused too, rather than signed again on every request.
 */
const principals = new WeakMap<VerifiedToken, Readonly<UserPrincipal>>();

function principalFor(token: VerifiedToken, ip: string | undefined): UserPrincipal {
  const known = principals.get(token);
  if (known !== undefined && known.ip === ip) return known;
  const principal = Object.freeze(toPrincipal(token, ip));
  principals.set(token, principal);
  return principal;
}

async function authenticateBearer(check: BearerCheck, authorization: string, ip: string | undefined): Promise<Principal> {
  const token = bearer.exec(authorization)?.[1];
  if (token === undefined) throw credentialsRefused(INVALID_TOKEN_MESSAGE, 'bearer', { reason: 'malformed' });
  const verified = await check.verifier.verify(token).catch((error: unknown) => {
    // The verifier's 401 keeps what was wrong as its cause; an outage (503) passes through.
    if (error instanceof AppError && error.code === 'UNAUTHENTICATED') throw credentialsRefused(error.message, 'bearer', tokenRefusalOf(error.cause));
    throw error;
  });
  // Logout and password change end sessions at once, not when their tokens expire. An
  // unreachable Redis throws UNAVAILABLE (503): the check is never skipped.
  if (await check.revocations.isRevoked(verified.sessionId)) {
    throw credentialsRefused(INVALID_TOKEN_MESSAGE, 'bearer', { reason: 'session_revoked', userId: verified.userId, sessionId: verified.sessionId });
  }
  return principalFor(verified, ip);
}

async function principalOf(req: Request, check: BearerCheck): Promise<Principal> {
  const authorization = req.get('Authorization');
  const apiKey = req.get('X-API-Key');
  if (authorization !== undefined && apiKey !== undefined) {
    throw credentialsRefused('Send either a bearer token or an API key, not both.', 'both', { reason: 'both_credentials' });
  }
  if (apiKey !== undefined) return authenticateApiKey();
  if (authorization !== undefined) return authenticateBearer(check, authorization, principalIp(req));
  return anonymousPrincipal(req);
}

/**
 * The address services key their own per-IP limits on: the gateway limiter's bucket
 * (IPv6 per /64), so a client cannot dodge them by rotating addresses inside its block.
 */
export function principalIp(req: Request): string | undefined {
  return req.ip === undefined ? undefined : clientBucket(req.ip);
}

/** Client addresses whose anonymous principal is kept; past this many the oldest is dropped. */
const ANONYMOUS_PRINCIPALS_KEPT = 10_000;
const anonymousPrincipals = new BoundedMap<string | undefined, Readonly<Principal>>(ANONYMOUS_PRINCIPALS_KEPT);

/**
 * One frozen principal per client address, for the same reason as the user's above: sign-ins
 * and other public calls from one address reuse its internal assertion (and the services'
 * memory of having verified it) instead of signing a new one per request.
 */
export function anonymousPrincipal(req: Request): Principal {
  const ip = principalIp(req);
  const known = anonymousPrincipals.get(ip);
  if (known !== undefined) return known;
  const principal = Object.freeze({ kind: 'anonymous', ip } as const);
  anonymousPrincipals.set(ip, principal);
  return principal;
}

/** Set on a response whose request's bearer token was refused: its challenge then says so (RFC 6750 §3.1). */
export const BEARER_TOKEN_REFUSED = 'bearerTokenRefused';

/**
 * Who is calling, for a route that needs to know: the credentials offered must be valid. A
 * refused bearer token is marked on the response for the 401's challenge.
 */
export async function resolveCaller(req: Request, res: Response): Promise<Principal> {
  try {
    return (await req.resolvePrincipal?.()) ?? anonymousPrincipal(req);
  } catch (error) {
    if (error instanceof AppError && error.code === 'UNAUTHENTICATED' && req.get('Authorization') !== undefined) res.locals[BEARER_TOKEN_REFUSED] = true;
    throw error;
  }
}

/**
 * Makes `req.resolvePrincipal` work out who is calling, when the route guard asks. Routes
 * anyone may call never ask: they ignore credentials entirely, so a client that sends its
 * (expired) token everywhere can still refresh or sign in. On every other route offered
 * credentials must be valid: a bad token is a 401, never a silent downgrade to anonymous.
 * Whether a route needs a particular kind of caller is the route guard's decision.
 */
export function authenticate(check: BearerCheck): RequestHandler {
  return (req, _res, next) => {
    let principal: Promise<Principal> | undefined;
    req.resolvePrincipal = () => (principal ??= principalOf(req, check));
    next();
  };
}

/**
 * Starts resolving the caller of a request that offers credentials, without waiting for it:
 * the route guard later awaits the same promise. Routes anyone may call never ask, so a
 * failure here is kept for whoever asks, never reported on its own.
 */
export function prefetchPrincipal(req: Request): void {
  if (req.resolvePrincipal === undefined) return;
  if (req.get('Authorization') === undefined && req.get('X-API-Key') === undefined) return;
  req.resolvePrincipal().catch(() => undefined);
}
