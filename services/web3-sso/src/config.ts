import { z } from 'zod';
import { defaultGrpcAddresses, envFields, loadConfig } from '#libs/config';

// The web3-sso service has no domain yet; it starts, answers health checks and drains on SIGTERM.
export const web3SsoEnv = z.object({
  WEB3_SSO_GRPC_ADDR: envFields.grpcAddress(defaultGrpcAddresses.WEB3_SSO_GRPC_ADDR),
  LOG_LEVEL: envFields.logLevel,
  INTERNAL_AUTH_SECRET: envFields.secret,
  SHUTDOWN_GRACE_MS: envFields.positiveInt(10_000),
});

export type Web3SsoConfig = z.infer<typeof web3SsoEnv>;

export function loadWeb3SsoConfig(env: Record<string, string | undefined> = process.env): Readonly<Web3SsoConfig> {
  return loadConfig(web3SsoEnv, env);
}
