export { ConfigError, loadConfig } from './load-config.ts';
export { defaultGrpcAddresses, envFields, infrastructureEnv, type InfrastructureConfig } from './fields.ts';
export { whenValid } from './cross-field.ts';
