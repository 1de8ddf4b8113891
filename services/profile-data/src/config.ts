import type { z } from 'zod';
import { defaultGrpcAddresses, envFields, infrastructureEnv, loadConfig } from '#libs/config';

export const profileDataEnv = infrastructureEnv.extend({
  PROFILE_DATA_GRPC_ADDR: envFields.grpcAddress(defaultGrpcAddresses.PROFILE_DATA_GRPC_ADDR),
  AUTH_GRPC_ADDR: envFields.grpcAddress(defaultGrpcAddresses.AUTH_GRPC_ADDR),
  GRPC_TIMEOUT_MS: envFields.positiveInt(5_000),
  GRPC_MULTIPLEX: envFields.boolean(true),
});

export type ProfileDataConfig = z.infer<typeof profileDataEnv>;

export function loadProfileDataConfig(env: Record<string, string | undefined> = process.env): Readonly<ProfileDataConfig> {
  return loadConfig(profileDataEnv, env);
}
