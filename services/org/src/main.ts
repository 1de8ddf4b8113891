import { GrpcServer } from '#libs/grpc';
import { AssertionSigner } from '#libs/identity';
import { createLogger } from '#libs/logging';
import { loadOrgConfig } from './config.ts';

const SERVICE = 'org';
const config = loadOrgConfig(process.env);
const logger = createLogger(SERVICE, config.LOG_LEVEL);

const server = new GrpcServer({ name: SERVICE, logger, assertions: new AssertionSigner(config.INTERNAL_AUTH_SECRET), shutdownGraceMs: config.SHUTDOWN_GRACE_MS });
await server.listen(config.ORG_GRPC_ADDR);

async function shutdown(signal: string): Promise<void> {
  logger.info({ signal }, 'shutting down');
  await server.shutdown();
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
