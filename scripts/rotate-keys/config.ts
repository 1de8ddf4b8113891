import { z } from 'zod';
import { defaultGrpcAddresses, envFields, loadConfig } from '#libs/config';

const rotateKeysEnv = z.object({
  AUTH_GRPC_ADDR: envFields.grpcAddress(defaultGrpcAddresses.AUTH_GRPC_ADDR),
  INTERNAL_AUTH_SECRET: envFields.secret,
});

export function loadRotateKeysConfig() {
  return loadConfig(rotateKeysEnv, process.env);
}
