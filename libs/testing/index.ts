export { databaseUrlFor, quoteIdentifier, withAdminConnection } from './admin-sql.ts';
export { loadTestingConfig, type TestingConfig } from './config.ts';
export { containerImages } from './containers.ts';
export { localInfrastructure, resolveInfrastructure, type Infrastructure } from './infrastructure.ts';
export {
  createIsolatedEnvironment,
  type IsolatedEnvironment,
  type IsolatedEnvironmentInfo,
} from './isolated-environment.ts';
export { TEST_ENVIRONMENT_KEY, testEnvironment } from './provided.ts';
export { LogCapture, type LogLine } from './log-capture.ts';
export { sweepStaleEnvironments } from './sweep.ts';
