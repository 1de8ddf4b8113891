import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createClient } from 'redis';
import { AuthServiceService } from '#gen/egp/auth/v1/auth_service';
import { OrgServiceService } from '#gen/egp/org/v1/org_service';
import { ProfileDataServiceService } from '#gen/egp/profile_data/v1/profile_data_service';
import { AppError } from '#libs/errors';
import type { SessionRevocationView } from '#libs/session-revocation';
import { createLogger, type Logger } from '#libs/logging';
import { createApp, type AppDeps, type GatewayRedis } from '../app.ts';
import { createAccessTokenVerifier } from '../auth/access-token-verifier.ts';
import { JwksKeyStore } from '../auth/jwks-key-store.ts';
import { startRevocationMirror } from '../auth/revocation-mirror.ts';
import type { AuthClient, GatewayClients, OrgClient, ProfileDataClient } from '../clients/types.ts';
import { loadGatewayConfig } from '../config.ts';
import { listenHttp } from '../http-server.ts';
import { createIpRateLimiter } from '../middleware/rate-limit.ts';
import { TEST_AUDIENCE, TEST_ISSUER, type TestSigningKey } from './tokens.ts';

/**
 * A client whose every RPC fails unless a test supplies it: a route calling something
 * unexpected is loud. Built from the service definition, so new RPCs need no edits here.
 */
function fakeClient<Client>(definition: Record<string, unknown>, overrides: Partial<Client>): Client {
  const methods: Record<string, unknown> = {};
  for (const name of Object.keys(definition)) {
    methods[name] = () => Promise.reject(AppError.internal(new Error(`unexpected call to ${name}`)));
  }
  return { ...methods, ...overrides } as Client;
}

export function fakeClients(
  overrides: { auth?: Partial<AuthClient>; profileData?: Partial<ProfileDataClient>; org?: Partial<OrgClient> } = {},
): GatewayClients {
  return {
    auth: fakeClient<AuthClient>(AuthServiceService, overrides.auth ?? {}),
    profileData: fakeClient<ProfileDataClient>(ProfileDataServiceService, overrides.profileData ?? {}),
    org: fakeClient<OrgClient>(OrgServiceService, overrides.org ?? {}),
  };
}

export async function connectTestRedis() {
  const redis = createClient({ url: 'redis://127.0.0.1:6379' });
  await redis.connect();
  return redis;
}

export type TestRedis = Awaited<ReturnType<typeof connectTestRedis>>;

export interface TestGateway {
  url: string;
  prefix: string;
  close(): Promise<void>;
}

export interface TestGatewayOptions {
  /** The real Redis; the gateway's keys live under a fresh prefix, deleted on close. */
  redis: TestRedis;
  /** Stands in for `redis` in the app only, to inject failures. */
  appRedis?: GatewayRedis;
  signingKey: TestSigningKey;
  clients?: GatewayClients;
  env?: Record<string, string>;
  probes?: AppDeps['probes'];
  /**
   * Check sessions with a `RevocationMirror` on `redis` (as `main.ts` does), its fallback going
   * through `appRedis` when given. Default: a Redis round trip per request.
   */
  revocationMirror?: boolean;
  /** Stands in for the session check altogether (e.g. to see what the routes tell it). */
  revocations?: SessionRevocationView;
  /** The app's logger (e.g. writing to a `LogCapture`); default: silent. */
  logger?: Logger;
}

/** The real app on port 0, with fake gRPC clients, real Redis (own prefix) and test keys. */
export async function startTestGateway(options: TestGatewayOptions): Promise<TestGateway> {
  const prefix = `test:gateway:${randomUUID()}:`;
  const config = loadGatewayConfig({
    REDIS_URL: 'redis://127.0.0.1:6379',
    REDIS_KEY_PREFIX: prefix,
    INTERNAL_AUTH_SECRET: 's'.repeat(32),
    JWT_ISSUER: TEST_ISSUER,
    JWT_AUDIENCE: TEST_AUDIENCE,
    ...options.env,
  });
  const keys = new JwksKeyStore(async () => [options.signingKey.publicJwk], { ttlSeconds: 300, refetchCooldownSeconds: 30 });
  const logger = options.logger ?? createLogger('gateway-test', 'silent');
  const ipLimiter = createIpRateLimiter(options.appRedis ?? options.redis, config, logger);
  await ipLimiter.start();
  const mirror = options.revocationMirror ? await startRevocationMirror(options.redis, config, logger, options.appRedis ?? options.redis) : undefined;
  const revocations = options.revocations ?? mirror;
  const app = createApp({
    config,
    logger,
    clients: options.clients ?? fakeClients(),
    probes: options.probes ?? [],
    redis: options.appRedis ?? options.redis,
    ipLimiter,
    tokenVerifier: createAccessTokenVerifier(keys, { issuer: TEST_ISSUER, audience: TEST_AUDIENCE }),
    revocations,
  });
  const server = await listenHttp(app, config, 0, '127.0.0.1');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    prefix,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await ipLimiter.stop();
      await mirror?.close();
      const keys = await options.redis.keys(`${prefix}*`);
      if (keys.length > 0) await options.redis.del(keys);
    },
  };
}

/** POSTs JSON (or a raw body with its own content type). */
export function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}
