import type { Logger } from '#libs/logging';

/**
 * On SIGTERM or SIGINT: stop taking work and finish what is in flight (`stop`), then exit.
 * A failing stop still exits, non-zero, so an orchestrator never waits on a wedged process.
 */
export function stopOnSignals(logger: Logger, stop: () => Promise<void>): void {
  const shutdown = async (signal: NodeJS.Signals): Promise<void> => {
    logger.info({ signal }, 'shutting down');
    try {
      await stop();
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.once('SIGTERM', (signal) => void shutdown(signal));
  process.once('SIGINT', (signal) => void shutdown(signal));
}
