import { existsSync } from 'node:fs';
import { z } from 'zod';
import { defaultGrpcAddresses, envFields, loadConfig } from '#libs/config';

/** An environment as processes see it: unset and empty both mean "not given". */
export type Env = Record<string, string | undefined>;

/** This machine's local services, used when a development run does not name others. */
export const localInfrastructureDefaults = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/egp',
  REDIS_URL: 'redis://127.0.0.1:6379',
  NATS_URL: 'nats://127.0.0.1:4222',
} as const;

/** The scripts' own environment. Scripts read process.env here and nowhere else. */
export function processEnvironment(): Env {
  return { ...process.env };
}

/** Loads a dotenv file into process.env if it exists; variables already set win. */
export function loadEnvFileIfPresent(path: string): boolean {
  if (!existsSync(path)) return false;
  process.loadEnvFile(path);
  return true;
}

/** For scripts that import service code, which reads its configuration from process.env. */
export function exportToProcessEnvironment(env: Env): void {
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined) process.env[key] = value;
  }
}

export function isProduction(env: Env): boolean {
  return env.NODE_ENV === 'production';
}

export function isSet(env: Env, key: string): boolean {
  const value = env[key];
  return value !== undefined && value !== '';
}

/** No load balancer stands in front of a local run: Ctrl-C need not wait for one to notice. */
const localRunDefaults = { SHUTDOWN_DRAIN_DELAY_MS: '0' } as const;

/**
 * Fills unset infrastructure URLs with this machine's local services. Production gets no
 * defaults: a deployment that forgot DATABASE_URL must fail, not talk to localhost.
 */
export function withLocalDefaults(env: Env): Env {
  if (isProduction(env)) return { ...env };
  const filled: Env = { ...env };
  for (const [key, value] of Object.entries({ ...localInfrastructureDefaults, ...localRunDefaults })) {
    if (!isSet(filled, key)) filled[key] = value;
  }
  return filled;
}

const grpcAddressFields = Object.fromEntries(
  Object.entries(defaultGrpcAddresses).map(([key, fallback]) => [key, envFields.grpcAddress(fallback)]),
) as { [Key in keyof typeof defaultGrpcAddresses]: ReturnType<typeof envFields.grpcAddress> };

/** The few variables the launcher itself acts on; children validate the rest themselves. */
const launcherSchema = z.object({
  DATABASE_URL: envFields.databaseUrl,
  PORT: envFields.port(8080),
  SHUTDOWN_GRACE_MS: envFields.positiveInt(10_000),
  SHUTDOWN_DRAIN_DELAY_MS: envFields.drainDelayMs,
  ...grpcAddressFields,
});

export type LauncherConfig = Readonly<z.infer<typeof launcherSchema>>;

export function loadLauncherConfig(env: Env): LauncherConfig {
  return loadConfig(launcherSchema, env);
}

const databaseSchema = z.object({ DATABASE_URL: envFields.databaseUrl });

/** For scripts that only need the database (migrations). */
export function loadDatabaseConfig(env: Env): Readonly<z.infer<typeof databaseSchema>> {
  return loadConfig(databaseSchema, env);
}
