import { z } from 'zod';
import { defaultGrpcAddresses, envFields, loadConfig } from '#libs/config';

// The app-key service has no domain yet; it starts, answers health checks and drains on SIGTERM.
export const appKeyEnv = z.object({
  APP_KEY_GRPC_ADDR: envFields.grpcAddress(defaultGrpcAddresses.APP_KEY_GRPC_ADDR),
  LOG_LEVEL: envFields.logLevel,
  INTERNAL_AUTH_SECRET: envFields.secret,
  SHUTDOWN_GRACE_MS: envFields.positiveInt(10_000),
});

export type AppKeyConfig = z.infer<typeof appKeyEnv>;

export function loadAppKeyConfig(env: Record<string, string | undefined> = process.env): Readonly<AppKeyConfig> {
  return loadConfig(appKeyEnv, env);
}
