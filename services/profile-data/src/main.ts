import '#libs/heap-tuning/apply'; // first: V8's collector settings apply to what loads after it
import { stopOnSignals } from '#libs/lifecycle';
import { createLogger } from '#libs/logging';
import { loadProfileDataConfig } from './config.ts';
import { SERVICE, startProfileDataService } from './service.ts';

const config = loadProfileDataConfig();
const logger = createLogger(SERVICE, config.LOG_LEVEL);
const service = await startProfileDataService(config, logger);

stopOnSignals(logger, () => service.stop());
