export { ConfigError, loadConfig } from './load-config.ts';
export { defaultGrpcAddresses, envFields, infrastructureEnv, type InfrastructureConfig } from './fields.ts';
export { acrossFields } from './cross-field.ts';
