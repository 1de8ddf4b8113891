import '#libs/heap-tuning/apply'; // first: V8's collector settings apply to what loads after it
import { stopOnSignals } from '#libs/lifecycle';
import { createLogger } from '#libs/logging';
import { loadAuthConfig } from './config.ts';
import { SERVICE, startAuthService } from './service.ts';

const config = loadAuthConfig();
const logger = createLogger(SERVICE, config.LOG_LEVEL);
const service = await startAuthService(config, logger);

stopOnSignals(logger, () => service.stop());
