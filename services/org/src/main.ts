import '#libs/heap-tuning/apply'; // first: V8's collector settings apply to what loads after it
import { stopOnSignals } from '#libs/lifecycle';
import { createLogger } from '#libs/logging';
import { loadOrgConfig } from './config.ts';
import { SERVICE, startOrgService } from './service.ts';

const config = loadOrgConfig();
const logger = createLogger(SERVICE, config.LOG_LEVEL);
const service = await startOrgService(config, logger);

stopOnSignals(logger, () => service.stop());
