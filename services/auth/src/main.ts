import { createLogger } from '#libs/logging';
import { loadAuthConfig } from './config.ts';
import { SERVICE, startAuthService } from './service.ts';

const config = loadAuthConfig(process.env);
const logger = createLogger(SERVICE, config.LOG_LEVEL);
const service = await startAuthService(config, logger);

async function shutdown(signal: string): Promise<void> {
  logger.info({ signal }, 'shutting down');
  await service.stop();
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
