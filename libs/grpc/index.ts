export { createGrpcClient, type AsyncClient, type CallOptions, type GrpcClientOptions } from './client.ts';
export { fromServiceError, toGrpcStatus } from './error-metadata.ts';
export { HealthState } from './health.ts';
export {
  GrpcServer,
  REQUEST_ID_METADATA_KEY,
  type AsyncHandlers,
  type AsyncUnaryHandler,
  type CallContext,
  type GrpcServerOptions,
} from './server.ts';
