import type { Request, RequestHandler } from 'express';
import { AppError } from '#libs/errors';
import type { Principal } from '#libs/identity';
import { INVALID_TOKEN_MESSAGE, type AccessTokenVerifier } from '../auth/access-token-verifier.ts';
import './request-context.ts';

const bearer = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i;

/**
 * API keys arrive in a later issue. Until then a request that offers one is refused plainly,
 * rather than being served as anonymous, so a client never mistakes a public answer for an
 * authorized one. This is the hook: resolve the key to an `api_key` principal here.
 */
async function authenticateApiKey(): Promise<Principal> {
  throw AppError.unauthenticated('API keys are not accepted yet; use a bearer access token.');
}

async function authenticateBearer(verifier: AccessTokenVerifier, authorization: string, ip: string | undefined): Promise<Principal> {
  const token = bearer.exec(authorization)?.[1];
  if (token === undefined) throw AppError.unauthenticated(INVALID_TOKEN_MESSAGE);
  const claims = await verifier.verify(token);
  return { kind: 'user', userId: claims.sub, sessionId: claims.sid, tokenType: 'access', ip };
}

async function principalOf(req: Request, verifier: AccessTokenVerifier): Promise<Principal> {
  const authorization = req.get('Authorization');
  const apiKey = req.get('X-API-Key');
  if (authorization !== undefined && apiKey !== undefined) {
    throw AppError.unauthenticated('Send either a bearer token or an API key, not both.');
  }
  if (apiKey !== undefined) return authenticateApiKey();
  if (authorization !== undefined) return authenticateBearer(verifier, authorization, req.ip);
  return { kind: 'anonymous', ip: req.ip };
}

/**
 * Works out who is calling. Credentials that are offered must be valid, even on routes
 * anyone may call: a bad token is a 401, never a silent downgrade to anonymous. Whether a
 * route needs a particular kind of caller is the route guard's decision.
 */
export function authenticate(verifier: AccessTokenVerifier): RequestHandler {
  return async (req, _res, next) => {
    req.principal = await principalOf(req, verifier);
    next();
  };
}
