import '#libs/heap-tuning/apply'; // first: V8's collector settings apply to what loads after it
import type { AddressInfo } from 'node:net';
import { createClient } from 'redis';
import { AssertionSigner } from '#libs/identity';
import { createLogger } from '#libs/logging';
import { createApp } from './app.ts';
import { createAccessTokenVerifier } from './auth/access-token-verifier.ts';
import { startRevocationMirror } from './auth/revocation-mirror.ts';
import { JwksKeyStore } from './auth/jwks-key-store.ts';
import { connectGrpcServices } from './clients/grpc-clients.ts';
import { loadGatewayConfig } from './config.ts';
import { listenHttp } from './http-server.ts';
import { createIpRateLimiter } from './middleware/rate-limit.ts';
import { shutDownGracefully } from './shutdown.ts';

const config = loadGatewayConfig();
const logger = createLogger('gateway', config.LOG_LEVEL);

// Commands fail fast while Redis is away (no offline queue, 1 s timeout) so the rate
// limiter answers 503 instead of piling requests up; the client reconnects by itself.
const redis = createClient({
  url: config.REDIS_URL,
  disableOfflineQueue: true,
  commandOptions: { timeout: 1_000 },
  socket: { connectTimeout: 2_000, reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2_000) },
});
redis.on('error', (error: unknown) => logger.warn({ err: error }, 'redis connection error'));
await redis.connect();
// One sync before serving, so the first requests are not refused as "never synced".
const ipLimiter = createIpRateLimiter(redis, config, logger);
await ipLimiter.start();

// Revoked sessions from memory, kept current through pub/sub (a Redis round trip when stale).
const revocations = await startRevocationMirror(redis, config, logger, redis);

const grpc = connectGrpcServices(config, new AssertionSigner(config.INTERNAL_AUTH_SECRET));
const keys = new JwksKeyStore(
  async () => (await grpc.clients.auth.getJwks({}, { principal: { kind: 'service', service: 'gateway' }, idempotent: true })).keys,
  { ttlSeconds: config.JWKS_CACHE_TTL_SECONDS, refetchCooldownSeconds: config.JWKS_REFETCH_COOLDOWN_SECONDS },
);
const tokenVerifier = createAccessTokenVerifier(keys, { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE });

let draining = false;
const app = createApp({
  config,
  logger,
  clients: grpc.clients,
  probes: grpc.probes,
  redis,
  ipLimiter,
  tokenVerifier,
  revocations,
  isDraining: () => draining,
});

const server = await listenHttp(app, config, config.PORT);
logger.info({ port: (server.address() as AddressInfo).port }, 'gateway listening');

async function shutdown(signal: string): Promise<void> {
  if (draining) return;
  logger.info({ signal, drain_delay_ms: config.SHUTDOWN_DRAIN_DELAY_MS }, 'shutting down');
  await shutDownGracefully({
    server,
    startDraining: () => (draining = true),
    drainDelayMs: config.SHUTDOWN_DRAIN_DELAY_MS,
    graceMs: config.SHUTDOWN_GRACE_MS,
    closeDependencies: async () => {
      grpc.close();
      await revocations.close();
      await ipLimiter.stop();
      await redis.close();
    },
  });
  logger.info('gateway stopped');
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    shutdown(signal).then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
