import { z } from 'zod';
import { defaultGrpcAddresses, envFields, infrastructureEnv, loadConfig } from '#libs/config';

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
    AUTH_GRPC_ADDR: envFields.grpcAddress(defaultGrpcAddresses.AUTH_GRPC_ADDR),
    ORG_GRPC_ADDR: envFields.grpcAddress(defaultGrpcAddresses.ORG_GRPC_ADDR),
    APP_KEY_GRPC_ADDR: envFields.grpcAddress(defaultGrpcAddresses.APP_KEY_GRPC_ADDR),
    WEB3_SSO_GRPC_ADDR: envFields.grpcAddress(defaultGrpcAddresses.WEB3_SSO_GRPC_ADDR),
    PROFILE_DATA_GRPC_ADDR: envFields.grpcAddress(defaultGrpcAddresses.PROFILE_DATA_GRPC_ADDR),
    GRPC_TIMEOUT_MS: envFields.positiveInt(5_000),
    JWT_ISSUER: z.string().min(1).default('egp-accounts'),
    JWT_AUDIENCE: z.string().min(1).default('egp-api'),
    JWKS_CACHE_TTL_SECONDS: envFields.positiveInt(300),
    JWKS_REFETCH_COOLDOWN_SECONDS: envFields.positiveInt(30),
    /** The auth service's access token lifetime: how long a revoked session must stay refused. */
    ACCESS_TOKEN_TTL_SECONDS: envFields.positiveInt(900),
    RATE_LIMIT_IP_PER_MINUTE: envFields.positiveInt(600),
    TRUST_PROXY: trustProxy,
    BODY_LIMIT_BYTES: envFields.positiveInt(1024 * 1024),
  });

export type GatewayConfig = Readonly<z.infer<typeof gatewayEnv>>;

/** Parses the gateway's environment once, at start-up; the only reader of `process.env`. */
export function loadGatewayConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  return loadConfig(gatewayEnv, env);
}
