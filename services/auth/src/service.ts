import type { EntityManager } from '@mikro-orm/postgresql';
import { AuthServiceService, type AuthServiceServer } from '#gen/egp/auth/v1/auth_service';
import { OrgServiceService } from '#gen/egp/org/v1/org_service';
import { openServiceOrm, translateDbError, watchDatabase } from '#libs/db';
import { connectNats, ensureEventStream, EventConsumer, OutboxRelay } from '#libs/events';
import { createGrpcClient, GrpcServer } from '#libs/grpc';
import { AssertionSigner } from '#libs/identity';
import type { Logger } from '#libs/logging';
import { connectRedis } from '#libs/redis';
import { SessionRevocationList } from '#libs/session-revocation';
import type { AuthConfig } from './config.ts';
import { authEntities } from './db/entities/index.ts';
import { authMigrations } from './db/migrations/index.ts';
import { IpLimits } from './domain/ip-limits.ts';
import { KeyEncryption } from './domain/key-encryption.ts';
import { LoginGate } from './domain/login-gate.ts';
import { LoginThrottle } from './domain/login-throttle.ts';
import { SecurityLog } from './domain/security-log.ts';
import { SessionPurge } from './domain/session-purge.ts';
import { PasswordHasher } from './domain/hashing/password-hasher.ts';
import { SessionFactory } from './domain/sessions.ts';
import { SigningKeyStore } from './domain/signing-keys.ts';
import { TokenIssuer } from './domain/token-issuer.ts';
import { handleProfileEvent, PROFILE_EVENT_TYPES } from './events/profile-events.ts';
import { authHandlers } from './grpc/auth-handlers.ts';

export const SERVICE = 'auth';

/** Beyond verifiers' own clock tolerance (the gateway's is 5 s). */
const CLOCK_SKEW_SECONDS = 60;

export interface RunningService {
  port: number;
  stop(): Promise<void>;
}

/** The auth service's composition root: connects its dependencies and serves gRPC. */
export async function startAuthService(config: Readonly<AuthConfig>, logger: Logger): Promise<RunningService> {
  const orm = await openServiceOrm({ databaseUrl: config.DATABASE_URL, schema: SERVICE, entities: authEntities, migrations: authMigrations, logger });
  const em = orm.em as unknown as EntityManager;
  const redis = await connectRedis(config.REDIS_URL, logger);
  const nats = await connectNats(config.NATS_URL, SERVICE);
  await ensureEventStream(nats, config.EVENTS_STREAM, config.EVENTS_SUBJECT_PREFIX);
  const relay = new OutboxRelay({ orm, nats, streamName: config.EVENTS_STREAM, subjectPrefix: config.EVENTS_SUBJECT_PREFIX, logger, retentionMs: config.OUTBOX_RETENTION_HOURS * 3_600_000, pollIntervalMs: config.OUTBOX_POLL_INTERVAL_MS });
  relay.start();
  // The profile's name and avatar, copied from profile-data's events (see domain/profile-copy.ts).
  const profileCopy = new EventConsumer({
    orm,
    nats,
    streamName: config.EVENTS_STREAM,
    subjectPrefix: config.EVENTS_SUBJECT_PREFIX,
    durableName: 'auth-profiles',
    types: PROFILE_EVENT_TYPES,
    logger,
    handler: handleProfileEvent,
  });
  await profileCopy.start();

  const longestTokenTtlSeconds = Math.max(config.ACCESS_TOKEN_TTL_SECONDS, config.SERVICE_TOKEN_TTL_SECONDS);
  // A retired key stays published while a token it signed may live: the longest token lifetime,
  // plus how late a replica may still sign with it (its reload interval), plus clock skew.
  const retiredKeyPublishSeconds = longestTokenTtlSeconds + config.SIGNING_KEY_REFRESH_SECONDS + CLOCK_SKEW_SECONDS;
  const keys = new SigningKeyStore(em, new KeyEncryption(config.AUTH_KEY_ENCRYPTION_KEY), logger, {
    retiredKeyPublishSeconds,
    minPublishedSeconds: config.SIGNING_KEY_MIN_PUBLISHED_SECONDS,
  });
  await keys.initialize();
  const keyRefresh = setInterval(() => void keys.reload().catch((error: unknown) => logger.warn({ err: error }, 'key reload failed')), config.SIGNING_KEY_REFRESH_SECONDS * 1000);

  const hasher = new PasswordHasher(
    { memoryKib: config.ARGON2_MEMORY_KIB, timeCost: config.ARGON2_TIME_COST, parallelism: config.ARGON2_PARALLELISM },
    { concurrency: config.PASSWORD_HASH_CONCURRENCY, niceness: config.PASSWORD_HASH_NICENESS },
  );
  await hasher.prepare();
  const sessions = new SessionFactory({ refreshTokenTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS, maxLifetimeSeconds: config.SESSION_MAX_LIFETIME_SECONDS });
  const tokens = new TokenIssuer(keys, { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, accessTokenTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS });
  // A revoked session's entry must outlive every token bound to it: access and service tokens alike.
  const revocations = new SessionRevocationList(redis, config.REDIS_KEY_PREFIX, longestTokenTtlSeconds);
  const throttle = new LoginThrottle(redis, config.REDIS_KEY_PREFIX, {
    perAccountIp: config.LOGIN_MAX_ATTEMPTS_PER_ACCOUNT_IP,
    perAccount: config.LOGIN_MAX_ATTEMPTS_PER_ACCOUNT,
    windowSeconds: config.LOGIN_ATTEMPT_WINDOW_SECONDS,
    baseBlockSeconds: config.LOGIN_BLOCK_BASE_SECONDS,
    maxBlockSeconds: config.LOGIN_BLOCK_MAX_SECONDS,
    accountBlockSeconds: config.LOGIN_ACCOUNT_BLOCK_SECONDS,
  });
  const ipLimits = new IpLimits(redis, `${config.REDIS_KEY_PREFIX}rl:auth:`, {
    login: { limit: config.LOGIN_RATE_LIMIT_PER_IP_PER_MINUTE, windowSeconds: 60 },
    register: { limit: config.REGISTER_RATE_LIMIT_PER_IP_PER_HOUR, windowSeconds: 3600 },
  });
  const gate = new LoginGate(redis, ipLimits, throttle);
  const afterCommit = () => relay.notify();
  const purge = new SessionPurge(em, logger, { retentionSeconds: config.SESSION_RETENTION_SECONDS, intervalSeconds: config.SESSION_PURGE_INTERVAL_SECONDS });
  purge.start();
  const audit = new SecurityLog(logger);
  const lifecycle = { em, sessions, tokens, revocations, audit };

  const assertions = new AssertionSigner(config.INTERNAL_AUTH_SECRET);
  const org = createGrpcClient(OrgServiceService, { address: config.ORG_GRPC_ADDR, caller: SERVICE, assertions, defaultTimeoutMs: config.GRPC_TIMEOUT_MS, multiplex: config.GRPC_MULTIPLEX });
  const orgPolicy = async (userId: string) => {
    const { policy } = await org.getPasswordPolicyForUser({ userId }, { principal: { kind: 'service', service: SERVICE }, idempotent: true });
    return policy ?? { minLength: config.PASSWORD_MIN_LENGTH, requireUppercase: false, requireLowercase: false, requireNumber: false, requireSymbol: false };
  };

  const server = new GrpcServer({ name: SERVICE, logger, assertions, shutdownGraceMs: config.SHUTDOWN_GRACE_MS, translateError: (error) => translateDbError(error) });
  server.add<AuthServiceServer>(
    AuthServiceService,
    authHandlers({
      registration: { em, hasher, sessions, tokens, ipLimits, passwordMinLength: config.PASSWORD_MIN_LENGTH, passwordContextWords: config.PASSWORD_CONTEXT_WORDS, afterCommit, audit },
      login: { em, hasher, sessions, tokens, gate, throttle, audit },
      lifecycle,
      passwordChange: { em, orgPolicy, hasher, throttle, lifecycle, passwordMinLength: config.PASSWORD_MIN_LENGTH, passwordContextWords: config.PASSWORD_CONTEXT_WORDS, afterCommit, audit },
      sessionRevoke: { hasher, throttle, audit, lifecycle },
      exchange: { em, tokens, org, serviceTokenTtlSeconds: config.SERVICE_TOKEN_TTL_SECONDS, audit },
      keys,
    }),
  );
  const port = await server.listen(config.AUTH_GRPC_ADDR);
  // Readiness follows the database: NOT_SERVING while it is unreachable, SERVING once back.
  const stopWatchingDatabase = watchDatabase(orm, (up) => server.health.set(up));

  return {
    port,
    async stop() {
      stopWatchingDatabase();
      clearInterval(keyRefresh);
      await server.shutdown();
      await purge.stop();
      org.close();
      await profileCopy.stop();
      await relay.stop();
      await nats.drain();
      await hasher.close();
      redis.destroy();
      await orm.close();
    },
  };
}
