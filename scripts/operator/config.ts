import { z } from 'zod';
import { defaultGrpcAddresses, envFields, loadConfig } from '#libs/config';

/** What the operator commands (`keys:rotate`, `sessions:end`) need: where auth listens, and the secret to sign as a service. */
const operatorEnv = z.object({
  AUTH_GRPC_ADDR: envFields.grpcAddress(defaultGrpcAddresses.AUTH_GRPC_ADDR),
  INTERNAL_AUTH_SECRET: envFields.secret,
});

export function loadOperatorConfig() {
  return loadConfig(operatorEnv, process.env);
}
