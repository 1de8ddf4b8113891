import { z } from 'zod';

/** Reusable environment fields, so every process spells and validates them the same way. */
export const envFields = {
  databaseUrl: z.url({ protocol: /^postgres(ql)?$/ }).describe('PostgreSQL connection URL'),
  redisUrl: z.url({ protocol: /^rediss?$/ }).describe('Redis connection URL'),
  natsUrl: z.string().regex(/^(nats|tls):\/\/[^\s]+$/, 'must be a nats:// URL (comma-separate several)'),
  grpcAddress: (fallback: string) =>
    z
      .string()
      .regex(/^[\w.-]+:\d{1,5}$/, 'must be host:port')
      .default(fallback),
  port: (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  positiveInt: (fallback: number) => z.coerce.number().int().positive().default(fallback),
  boolean: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0'])
      .default(fallback ? 'true' : 'false')
      .transform((value) => value === 'true' || value === '1'),
  /** How long the gateway keeps serving after /readyz starts failing at shutdown (ms). */
  drainDelayMs: z.coerce.number().int().min(0).max(60_000).default(5_000),
  /** A secret of at least 32 bytes, given as base64 or hex or raw text. */
  secret: z.string().min(32, 'must be at least 32 characters'),
};

/** Default gRPC addresses of the five services, shared by the services and the gateway. */
export const defaultGrpcAddresses = {
  AUTH_GRPC_ADDR: '127.0.0.1:50051',
  ORG_GRPC_ADDR: '127.0.0.1:50052',
  APP_KEY_GRPC_ADDR: '127.0.0.1:50053',
  WEB3_SSO_GRPC_ADDR: '127.0.0.1:50054',
  PROFILE_DATA_GRPC_ADDR: '127.0.0.1:50055',
} as const;

/** Variables every backend process shares: infrastructure URLs and isolation prefixes. */
export const infrastructureEnv = z.object({
  DATABASE_URL: envFields.databaseUrl,
  REDIS_URL: envFields.redisUrl,
  NATS_URL: envFields.natsUrl,
  LOG_LEVEL: envFields.logLevel,
  INTERNAL_AUTH_SECRET: envFields.secret,
  REDIS_KEY_PREFIX: z.string().min(1).default('egp:'),
  EVENTS_STREAM: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('EGP_EVENTS'),
  EVENTS_SUBJECT_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('egp'),
  SHUTDOWN_GRACE_MS: envFields.positiveInt(10_000),
  OUTBOX_RETENTION_HOURS: envFields.positiveInt(24),
  OUTBOX_POLL_INTERVAL_MS: envFields.positiveInt(1_000),
});

export type InfrastructureConfig = z.infer<typeof infrastructureEnv>;
