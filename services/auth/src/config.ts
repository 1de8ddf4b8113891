import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { defaultGrpcAddresses, envFields, infrastructureEnv, loadConfig, acrossFields } from '#libs/config';

export const authEnv = infrastructureEnv.extend({
  AUTH_GRPC_ADDR: envFields.grpcAddress(defaultGrpcAddresses.AUTH_GRPC_ADDR),
  ORG_GRPC_ADDR: envFields.grpcAddress(defaultGrpcAddresses.ORG_GRPC_ADDR),
  GRPC_TIMEOUT_MS: envFields.positiveInt(5_000),
  GRPC_MULTIPLEX: envFields.boolean(true),
  /** base64 of 32 random bytes; encrypts the signing keys' private halves at rest. */
  AUTH_KEY_ENCRYPTION_KEY: z
    .string()
    .refine((value) => Buffer.from(value, 'base64').length === 32, 'must be base64 of exactly 32 bytes'),
  JWT_ISSUER: z.string().min(1).default('egp-accounts'),
  JWT_AUDIENCE: z.string().min(1).default('egp-api'),
  ACCESS_TOKEN_TTL_SECONDS: envFields.positiveInt(900),
  REFRESH_TOKEN_TTL_SECONDS: envFields.positiveInt(30 * 24 * 3600),
  /** A session's absolute limit from sign-in, however often it is refreshed (90 days). */
  SESSION_MAX_LIFETIME_SECONDS: envFields.positiveInt(90 * 24 * 3600),
  /** How long an ended session and its refresh tokens are kept before they are deleted. */
  SESSION_RETENTION_SECONDS: envFields.positiveInt(30 * 24 * 3600),
  /** How often each replica deletes ended sessions past their retention. */
  SESSION_PURGE_INTERVAL_SECONDS: envFields.positiveInt(3600),
  /** Token exchange results; capped at 15 minutes. */
  SERVICE_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(900).default(900),
  /** argon2id parameters; OWASP's minimum is m=19456 KiB, t=2, p=1. */
  ARGON2_MEMORY_KIB: z.coerce.number().int().min(19_456).default(19_456),
  ARGON2_TIME_COST: z.coerce.number().int().min(2).default(2),
  ARGON2_PARALLELISM: z.coerce.number().int().min(1).default(1),
  /** Hashes computed at once; more than the cores lowers throughput and inflates p99. */
  PASSWORD_HASH_CONCURRENCY: envFields.positiveInt(availableParallelism()),
  /** Nice value (0–19) of the hashing threads: under contention, requests win over hashing. */
  PASSWORD_HASH_NICENESS: z.coerce.number().int().min(0).max(19).default(19),
  PASSWORD_MIN_LENGTH: z.coerce.number().int().min(8).max(128).default(8),
  /** The service's names, comma-separated: a password may not be built from them (nor from the user's email or name). */
  PASSWORD_CONTEXT_WORDS: z
    .string()
    .default('egp,egp accounts')
    .transform((list) => list.split(',').map((word) => word.trim()).filter((word) => word.length > 0)),
  SIGNING_KEY_REFRESH_SECONDS: envFields.positiveInt(60),
  /**
   * How long the next signing key must have been published before a rotation may promote it:
   * every replica's reload plus every verifier's JWKS cache (the gateway's JWKS_CACHE_TTL_SECONDS),
   * so none meets a token signed by a key it could not have fetched yet.
   */
  SIGNING_KEY_MIN_PUBLISHED_SECONDS: z.coerce.number().int().min(0).default(600),
  LOGIN_MAX_ATTEMPTS_PER_ACCOUNT_IP: envFields.positiveInt(5),
  LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: envFields.positiveInt(50),
  LOGIN_ATTEMPT_WINDOW_SECONDS: envFields.positiveInt(900),
  LOGIN_BLOCK_BASE_SECONDS: envFields.positiveInt(60),
  LOGIN_BLOCK_MAX_SECONDS: envFields.positiveInt(3600),
  LOGIN_ACCOUNT_BLOCK_SECONDS: envFields.positiveInt(900),
  LOGIN_RATE_LIMIT_PER_IP_PER_MINUTE: envFields.positiveInt(60),
  REGISTER_RATE_LIMIT_PER_IP_PER_HOUR: envFields.positiveInt(30),
})
  // The per-account+address limit must trip first: were the account-wide one as low, one
  // address guessing at an account would lock its owner out everywhere.
  .refine(
    (env) => env.LOGIN_MAX_ATTEMPTS_PER_ACCOUNT > env.LOGIN_MAX_ATTEMPTS_PER_ACCOUNT_IP,
    acrossFields(['LOGIN_MAX_ATTEMPTS_PER_ACCOUNT', 'LOGIN_MAX_ATTEMPTS_PER_ACCOUNT_IP'], 'must be higher than LOGIN_MAX_ATTEMPTS_PER_ACCOUNT_IP, or one address can lock an account out everywhere'),
  );

export type AuthConfig = z.infer<typeof authEnv>;

export function loadAuthConfig(env: Record<string, string | undefined> = process.env): Readonly<AuthConfig> {
  return loadConfig(authEnv, env);
}
