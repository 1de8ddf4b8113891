import { createLogger } from '#libs/logging';
import { loadOrgConfig } from './config.ts';
import { SERVICE, startOrgService } from './service.ts';

const config = loadOrgConfig(process.env);
const logger = createLogger(SERVICE, config.LOG_LEVEL);
const service = await startOrgService(config, logger);

async function shutdown(signal: string): Promise<void> {
  logger.info({ signal }, 'shutting down');
  await service.stop();
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
