import { z } from 'zod';
import { defaultGrpcAddresses, envFields, infrastructureEnv, loadConfig, acrossFields } from '#libs/config';

/**
 * Express's `trust proxy`: a hop count, `false`, or a comma-separated list of addresses,
 * subnets and presets (`loopback`, `linklocal`, `uniquelocal`). `true` (trust every hop) is
 * refused: it would let any client choose its own IP and walk past the per-IP rate limit.
 */
const trustProxy = z
  .string()
  .default('loopback')
  .refine((value) => value !== 'true', 'trusting every proxy lets clients spoof their IP; list the proxies instead')
  .transform((value): number | string | false => {
    if (value === 'false') return false;
    return /^\d+$/.test(value) ? Number(value) : value;
  });

export const gatewayEnv = infrastructureEnv
  .pick({ REDIS_URL: true, REDIS_KEY_PREFIX: true, LOG_LEVEL: true, INTERNAL_AUTH_SECRET: true, SHUTDOWN_GRACE_MS: true })
  .extend({
    PORT: envFields.port(8080),
    /**
     * After SIGTERM, how long the gateway keeps serving while /readyz fails, before it stops
     * accepting connections: the time a load balancer needs to stop sending it requests.
     */
    SHUTDOWN_DRAIN_DELAY_MS: envFields.drainDelayMs,
    AUTH_GRPC_ADDR: envFields.grpcAddress(defaultGrpcAddresses.AUTH_GRPC_ADDR),
    ORG_GRPC_ADDR: envFields.grpcAddress(defaultGrpcAddresses.ORG_GRPC_ADDR),
    APP_KEY_GRPC_ADDR: envFields.grpcAddress(defaultGrpcAddresses.APP_KEY_GRPC_ADDR),
    WEB3_SSO_GRPC_ADDR: envFields.grpcAddress(defaultGrpcAddresses.WEB3_SSO_GRPC_ADDR),
    PROFILE_DATA_GRPC_ADDR: envFields.grpcAddress(defaultGrpcAddresses.PROFILE_DATA_GRPC_ADDR),
    GRPC_TIMEOUT_MS: envFields.positiveInt(5_000),
    GRPC_MULTIPLEX: envFields.boolean(true),
    JWT_ISSUER: z.string().min(1).default('egp-accounts'),
    JWT_AUDIENCE: z.string().min(1).default('egp-api'),
    JWKS_CACHE_TTL_SECONDS: envFields.positiveInt(300),
    JWKS_REFETCH_COOLDOWN_SECONDS: envFields.positiveInt(30),
    /** The auth service's access token lifetime: how long a revoked session must stay refused. */
    ACCESS_TOKEN_TTL_SECONDS: envFields.positiveInt(900),
    RATE_LIMIT_IP_PER_MINUTE: envFields.positiveInt(600),
    /** How often each gateway shares its per-IP counts with the others through Redis. */
    RATE_LIMIT_SYNC_INTERVAL_MS: envFields.positiveInt(100),
    /** A gateway that has not synced for this long answers 503 instead of guessing. */
    RATE_LIMIT_STALE_AFTER_MS: envFields.positiveInt(1_000),
    /** Client IPs counted in memory at most; past it, new ones take a Redis round trip. */
    RATE_LIMIT_MAX_BUCKETS: envFields.positiveInt(100_000),
    TRUST_PROXY: trustProxy,
    BODY_LIMIT_BYTES: envFields.positiveInt(1024 * 1024),
    /** A request's headers and body must have arrived within this, else 408. */
    HTTP_REQUEST_TIMEOUT_MS: envFields.positiveInt(30_000),
    /** Revoked sessions are answered from memory only while the view was proven complete this recently. */
    REVOCATION_FRESHNESS_MS: envFields.positiveInt(700),
    /** How often the gateway proves its revocation view complete (a heartbeat through Redis pub/sub). */
    REVOCATION_HEARTBEAT_MS: envFields.positiveInt(250),
    /** How long the answer to a request with an `Idempotency-Key` is replayed to retries with that key. */
    IDEMPOTENCY_KEY_TTL_SECONDS: envFields.positiveInt(86_400),
  })
  .refine(
    (env) => env.RATE_LIMIT_STALE_AFTER_MS > env.RATE_LIMIT_SYNC_INTERVAL_MS,
    acrossFields(['RATE_LIMIT_STALE_AFTER_MS', 'RATE_LIMIT_SYNC_INTERVAL_MS'], 'must be longer than RATE_LIMIT_SYNC_INTERVAL_MS, or every gateway answers 503 between syncs'),
  )
  // A memory answer can miss a revocation only within REVOCATION_FRESHNESS_MS of Redis storing
  // it (proof in RevocationMirror). The bar is one second; FRESHNESS + HEARTBEAT < 1000 keeps a
  // whole heartbeat period of margin under it (defaults: 700 + 250 = 950 ms). FRESHNESS must
  // also exceed HEARTBEAT, as the newest returned heartbeat is normally up to one period (plus
  // a round trip) old; otherwise checks keep falling back to Redis.
  .refine(
    (env) => env.REVOCATION_FRESHNESS_MS + env.REVOCATION_HEARTBEAT_MS < 1_000,
    acrossFields(
      ['REVOCATION_FRESHNESS_MS', 'REVOCATION_HEARTBEAT_MS'],
      'REVOCATION_FRESHNESS_MS + REVOCATION_HEARTBEAT_MS must stay below 1000: logout must end sessions within a second',
    ),
  )
  .refine(
    (env) => env.REVOCATION_FRESHNESS_MS > env.REVOCATION_HEARTBEAT_MS,
    acrossFields(['REVOCATION_FRESHNESS_MS', 'REVOCATION_HEARTBEAT_MS'], 'must be longer than REVOCATION_HEARTBEAT_MS, or every session check falls back to Redis'),
  );

export type GatewayConfig = Readonly<z.infer<typeof gatewayEnv>>;

/** Parses the gateway's environment once, at start-up; the only reader of `process.env`. */
export function loadGatewayConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  return loadConfig(gatewayEnv, env);
}
