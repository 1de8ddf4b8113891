import { z } from 'zod';
import { defaultGrpcAddresses, envFields, loadConfig } from '#libs/config';

// The org service has no domain yet; it starts, answers health checks and drains on SIGTERM.
const orgEnv = z.object({
  ORG_GRPC_ADDR: envFields.grpcAddress(defaultGrpcAddresses.ORG_GRPC_ADDR),
  LOG_LEVEL: envFields.logLevel,
  INTERNAL_AUTH_SECRET: envFields.secret,
  SHUTDOWN_GRACE_MS: envFields.positiveInt(10_000),
});

export type OrgConfig = z.infer<typeof orgEnv>;

export function loadOrgConfig(env: Record<string, string | undefined>): Readonly<OrgConfig> {
  return loadConfig(orgEnv, env);
}
