import type { LogContext, Logger as OrmLogger, LoggerNamespace, LoggerOptions } from '@mikro-orm/core';
import type { Logger } from '#libs/logging';

/**
 * Routes MikroORM's own log lines into the service's pino logger. Warnings and errors
 * (a dropped pool connection, say) always go through; queries only at `trace` level, so
 * production logs carry no SQL by default.
 */
export function ormLoggerFactory(logger: Logger): (options: LoggerOptions) => OrmLogger {
  return (options) => {
    let debugMode = options.debugMode ?? false;
    const enabled = (namespace: string, context?: LogContext): boolean => {
      if (context?.enabled !== undefined) return context.enabled;
      const mode = context?.debugMode ?? debugMode;
      return mode === true || (Array.isArray(mode) && mode.includes(namespace as LoggerNamespace));
    };
    return {
      log(namespace, message, context) {
        if (enabled(namespace, context)) logger.debug({ orm: namespace }, message);
      },
      warn(namespace, message) {
        logger.warn({ orm: namespace }, message);
      },
      error(namespace, message) {
        logger.error({ orm: namespace }, message);
      },
      logQuery(context) {
        if (!logger.isLevelEnabled('trace')) return;
        logger.trace({ orm: context.namespace ?? 'query', took_ms: context.took, query: context.query }, 'sql');
      },
      setDebugMode(mode) {
        debugMode = mode;
      },
      isEnabled(namespace, context) {
        return enabled(namespace, context) || (namespace === 'query' && logger.isLevelEnabled('trace'));
      },
    };
  };
}
