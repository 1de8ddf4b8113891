import { createLogger } from '#libs/logging';
import { loadProfileDataConfig } from './config.ts';
import { SERVICE, startProfileDataService } from './service.ts';

const config = loadProfileDataConfig(process.env);
const logger = createLogger(SERVICE, config.LOG_LEVEL);
const service = await startProfileDataService(config, logger);

async function shutdown(signal: string): Promise<void> {
  logger.info({ signal }, 'shutting down');
  await service.stop();
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
