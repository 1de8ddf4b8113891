import express, { type Express } from 'express';
import type { Logger } from '#libs/logging';
import type { LocalFirstRateLimiter, RateLimitRedis } from '#libs/rate-limit';
import { SessionRevocationList, type RevocationStore, type SessionRevocationView } from '#libs/session-revocation';
import type { AccessTokenVerifier } from './auth/access-token-verifier.ts';
import type { DependencyProbe, GatewayClients } from './clients/types.ts';
import type { GatewayConfig } from './config.ts';
import { accessLog } from './middleware/access-log.ts';
import { authenticate, prefetchPrincipal } from './middleware/authenticate.ts';
import { errorHandler, notFound } from './middleware/error-handler.ts';
import { createIdempotencyStore, declaredRouteAuth, idempotency } from './middleware/idempotency.ts';
import { methodNotAllowed } from './middleware/method-not-allowed.ts';
import { routeTable, type RouteTable } from './middleware/route-table.ts';
import { jsonBody } from './middleware/json-body.ts';
import { createHttpMetrics } from './middleware/metrics.ts';
import { ipRateLimit } from './middleware/rate-limit.ts';
import { requestId } from './middleware/request-id.ts';
import { securityHeaders } from './middleware/security-headers.ts';
import { createApiRouter } from './openapi/define-route.ts';
import { buildOpenApiDocument } from './openapi/document.ts';
import { authRoutes } from './routes/auth.ts';
import { docsRouteShapes, docsRoutes } from './routes/docs.ts';
import { invitationRoutes } from './routes/invitations.ts';
import { memberRoutes } from './routes/members.ts';
import { opsRouteShapes, opsRoutes } from './routes/ops.ts';
import { organizationRoutes } from './routes/organizations.ts';
import { userSessionRoutes } from './routes/user-sessions.ts';
import { userRoutes } from './routes/users.ts';
import { wellKnownRoutes } from './routes/well-known.ts';

/** What the gateway uses of Redis: rate-limit scripts, idempotency keys, revoked sessions and a readiness ping. */
export interface GatewayRedis extends RateLimitRedis, RevocationStore {
  ping(): Promise<unknown>;
}

/** Everything the app talks to, passed in so tests can supply their own. */
export interface AppDeps {
  config: GatewayConfig;
  logger: Logger;
  clients: GatewayClients;
  /** Health checks of the downstream gRPC services (Redis is checked through `redis`). */
  probes: DependencyProbe[];
  redis: GatewayRedis;
  /** The per-IP limiter (`createIpRateLimiter`), started and stopped by the caller. */
  ipLimiter: LocalFirstRateLimiter;
  tokenVerifier: AccessTokenVerifier;
  /**
   * How sessions are checked: a `RevocationMirror` (memory, kept current by pub/sub; started
   * and stopped by the caller), or by default a Redis round trip per request through `redis`.
   */
  revocations?: SessionRevocationView;
  /** True once shutdown began; /readyz then fails. */
  isDraining?: () => boolean;
}

/** Paths behind the per-IP rate limit (the operations endpoints are not). */
const limitedPaths = ['/api', '/.well-known'];

export function createApp(deps: AppDeps): Express {
  const { config, logger, clients } = deps;
  const metrics = createHttpMetrics();
  const revocations = deps.revocations ?? new SessionRevocationList(deps.redis, config.REDIS_KEY_PREFIX, config.ACCESS_TOKEN_TTL_SECONDS);
  const redisProbe: DependencyProbe = { name: 'redis', check: async () => void (await deps.redis.ping()) };

  const app = express();
  app.set('trust proxy', config.TRUST_PROXY);
  app.set('etag', false);
  app.disable('x-powered-by');

  app.use(requestId());
  // The routes are declared below; the log asks for their table when a request finishes.
  const declared: { routes?: RouteTable } = {};
  app.use(accessLog(logger, metrics.requestDuration, () => declared.routes));
  app.use(securityHeaders());
  opsRoutes(app, {
    probes: [redisProbe, ...deps.probes],
    metrics: metrics.registry,
    logger,
    isDraining: deps.isDraining ?? (() => false),
  });
  // Authentication is set up first (it runs lazily): when the limiter has to ask Redis (a
  // client it does not track in memory), the session check leaves beside its call.
  app.use(limitedPaths, authenticate({ verifier: deps.tokenVerifier, revocations }));
  app.use(limitedPaths, ipRateLimit(deps.ipLimiter, { alongside: prefetchPrincipal }));
  app.use(jsonBody(config.BODY_LIMIT_BYTES));
  const api = createApiRouter(config.GRPC_TIMEOUT_MS, app);
  // After authentication and the body (keys belong to the caller and stand for one body), before the routes.
  const idempotencyStore = createIdempotencyStore(deps.redis, config);
  app.use(idempotency({ store: idempotencyStore, routeAuth: declaredRouteAuth(api.operations), logger }));
  authRoutes(api, clients, revocations);
  userRoutes(api, clients, revocations);
  userSessionRoutes(api, clients, revocations);
  organizationRoutes(api, clients);
  memberRoutes(api, clients);
  invitationRoutes(api, clients);
  wellKnownRoutes(api, clients);
  docsRoutes(app, buildOpenApiDocument(api.operations, { title: 'EGP Accounts', version: '1.0.0' }));
  declared.routes = routeTable([...api.operations, ...opsRouteShapes, ...docsRouteShapes]);
  app.use(methodNotAllowed(declared.routes));
  app.use(notFound());
  app.use(errorHandler(logger));
  return app;
}
