import type { RequestHandler, Response } from 'express';
import { AppError } from '#libs/errors';
import type { Principal } from '#libs/identity';
import type { Logger } from '#libs/logging';
import type { GatewayConfig } from '../config.ts';
import type { Operation, RouteAuth } from '../openapi/define-route.ts';
import { anonymousPrincipal, resolveCaller } from './authenticate.ts';
import { holdAnswer, type HeldAnswer } from './idempotency-answer.ts';
import { IdempotencyStore, type IdempotencyClaim, type IdempotencyRedis, type RequestFingerprint, type StoredAnswer } from './idempotency-store.ts';
import { routeTable } from './route-table.ts';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
/** Set on a replayed answer, so a client (or its logs) can tell it from a fresh one. */
export const IDEMPOTENCY_REPLAYED_HEADER = 'Idempotency-Replayed';

const MUTATING_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Visible ASCII only: a key is an opaque token, typically a UUID (Stripe allows 255 characters). */
const VALID_KEY = /^[\x21-\x7e]{1,255}$/;
/**
 * The in-flight claim outlives the longest a route can take (its gRPC deadline runs from the
 * request's arrival) by this margin, then expires: a gateway that crashed mid-request does
 * not hold its key forever.
 */
const LOCK_MARGIN_MS = 5_000;

/** Who may call the route a request is for, or undefined when no declared route matches it. */
export type RouteAuthLookup = (method: string, path: string) => RouteAuth | undefined;

/**
 * Looks routes up in the declared operations, compiled at the first request (every route is
 * declared by then; this middleware is registered before them). Case-insensitively, as
 * Express routes: `POST /API/V1/ORGANIZATIONS` creates an organization too, so it must be
 * guarded too.
 */
export function declaredRouteAuth(operations: readonly Operation[]): RouteAuthLookup {
  let compiled: { table: ReturnType<typeof routeTable>; auth: Map<string, RouteAuth> } | undefined;
  return (method, path) => {
    compiled ??= {
      table: routeTable(operations.map((operation) => ({ method: operation.method, path: operation.path.toLowerCase() }))),
      auth: new Map(operations.map((operation) => [`${operation.method.toUpperCase()} ${operation.path.toLowerCase()}`, operation.auth])),
    };
    const pattern = compiled.table.patternFor(method, path.toLowerCase());
    return pattern === undefined ? undefined : compiled.auth.get(`${method} ${pattern}`);
  };
}

export function createIdempotencyStore(redis: IdempotencyRedis, config: GatewayConfig): IdempotencyStore {
  return new IdempotencyStore(redis, config.REDIS_KEY_PREFIX, {
    answerTtlSeconds: config.IDEMPOTENCY_KEY_TTL_SECONDS,
    lockTtlMs: config.GRPC_TIMEOUT_MS + LOCK_MARGIN_MS,
    secret: config.INTERNAL_AUTH_SECRET,
  });
}

/**
 * Whose keys these are. The same key from two callers is two keys. Routes anyone may call
 * scope by client address (their callers are anonymous to the route); a service token by
 * its user, organization and scopes, so a narrower token never replays what a wider one was
 * answered. Undefined for an anonymous caller on a route that needs credentials: the route
 * refuses it (401) without running anything.
 */
function scopeOf(caller: Principal, auth: RouteAuth): string | undefined {
  switch (caller.kind) {
    case 'anonymous':
      return auth === 'none' ? `ip:${caller.ip ?? 'unknown'}` : undefined;
    case 'user':
      if (caller.tokenType === 'access') return `user:${caller.userId}`;
      return `service-token:${caller.userId}:${caller.organizationId ?? ''}:${[...(caller.scopes ?? [])].sort().join(' ')}`;
    case 'api_key':
      return `api-key:${caller.keyId}`;
    case 'service':
      return `service:${caller.service}`;
  }
}

/** JSON with sorted member names: the same body however its members were ordered or spaced. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? '';
  const record = value as Record<string, unknown>;
  return `{${Object.keys(record).sort().map((name) => `${JSON.stringify(name)}:${canonicalJson(record[name])}`).join(',')}}`;
}

function assertSameRequest(stored: RequestFingerprint, current: RequestFingerprint): void {
  if (stored.request !== current.request) {
    const [withoutQuery] = stored.request.split('?');
    throw new AppError('IDEMPOTENCY_KEY_REUSED', `This Idempotency-Key was used for ${withoutQuery}; use a new key for another request.`);
  }
  if (stored.bodyHash !== current.bodyHash) {
    throw new AppError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used with a different body; use a new key for another request.');
  }
}

function replay(res: Response, answer: StoredAnswer): void {
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  res.setHeader(IDEMPOTENCY_REPLAYED_HEADER, 'true');
  res.status(answer.status).end(answer.body);
}

/** A key someone else holds: the first answer again when it is the same request and answered, else a refusal. */
function answerTaken(res: Response, claim: Exclude<IdempotencyClaim, { kind: 'claimed' }>, fingerprint: RequestFingerprint): void {
  assertSameRequest(claim.fingerprint, fingerprint);
  if (claim.kind === 'in_flight') {
    throw new AppError('CONFLICT', 'A request with this Idempotency-Key is still being processed; retry shortly.', { retryAfterSeconds: 1 });
  }
  replay(res, claim.answer);
}

export interface IdempotencyOptions {
  store: Pick<IdempotencyStore, 'fingerprint' | 'claim' | 'save' | 'release'>;
  routeAuth: RouteAuthLookup;
  logger: Logger;
}

/**
 * `Idempotency-Key` on POST, PUT, PATCH and DELETE (SECURITY.md, "Reliability"): a retry with
 * the key gets the first answer again, with `Idempotency-Replayed: true`, and the route does
 * not run twice; the key on another method, path or body is a 422; a retry while the first
 * request still runs is a 409. Keys belong to the caller (see scopeOf). Only final answers are
 * kept (see idempotency-answer.ts); any other frees the key for a real retry. Runs after
 * authentication and body parsing, before the routes. Redis unreachable is a 503: a client
 * that asked for exactly-once is never served at-least-once silently.
 */
export function idempotency(options: IdempotencyOptions): RequestHandler {
  const { store, logger } = options;
  const guarded: RequestHandler = async (req, res, next) => {
    const key = req.get(IDEMPOTENCY_KEY_HEADER) ?? '';
    const auth = options.routeAuth(req.method, `${req.baseUrl}${req.path}`);
    // No such route (404/405 run nothing): as if the middleware were absent.
    if (auth === undefined) return next();
    if (!VALID_KEY.test(key)) {
      throw AppError.validation('The Idempotency-Key header is invalid.', [{ field: IDEMPOTENCY_KEY_HEADER, message: 'Use 1 to 255 visible ASCII characters, e.g. a UUID.' }]);
    }
    // Credentials are checked now rather than in the route guard (the same check, answered once):
    // a refused token is the same 401 it would have been, and claims no key.
    const scope = scopeOf(auth === 'none' ? anonymousPrincipal(req) : await resolveCaller(req, res), auth);
    if (scope === undefined) return next();

    // Method and URL as sent, and the parsed body (json-body ran before).
    const fingerprint = store.fingerprint(`${req.method} ${req.originalUrl}`, canonicalJson(req.body));
    let claim: IdempotencyClaim;
    try {
      claim = await store.claim(scope, key, fingerprint);
    } catch (error) {
      throw AppError.unavailable('Idempotency keys cannot be checked right now; try again shortly.', error);
    }
    if (claim.kind !== 'claimed') return answerTaken(res, claim, fingerprint);

    const { lock } = claim;
    holdAnswer(res, async (answer: HeldAnswer) => {
      try {
        if (answer.keep && (await store.save(lock, answer.stored))) return;
        await store.release(lock);
      } catch (error) {
        logger.warn({ err: error, request_id: req.requestId }, 'idempotency key not recorded; it frees itself when its claim expires');
      }
    });
    return next();
  };
  // Reads and unkeyed requests, nearly all traffic, pass without a promise or a lookup.
  return (req, res, next) => {
    if (!MUTATING_METHODS.has(req.method) || req.headers['idempotency-key'] === undefined) {
      next();
      return;
    }
    (guarded(req, res, next) as Promise<void>).catch(next);
  };
}
