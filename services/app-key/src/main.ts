import '#libs/heap-tuning/apply'; // first: V8's collector settings apply to what loads after it
import { GrpcServer } from '#libs/grpc';
import { AssertionSigner } from '#libs/identity';
import { stopOnSignals } from '#libs/lifecycle';
import { createLogger } from '#libs/logging';
import { loadAppKeyConfig } from './config.ts';

const SERVICE = 'app-key';
const config = loadAppKeyConfig();
const logger = createLogger(SERVICE, config.LOG_LEVEL);

const server = new GrpcServer({ name: SERVICE, logger, assertions: new AssertionSigner(config.INTERNAL_AUTH_SECRET), shutdownGraceMs: config.SHUTDOWN_GRACE_MS });
await server.listen(config.APP_KEY_GRPC_ADDR);

stopOnSignals(logger, () => server.shutdown());
