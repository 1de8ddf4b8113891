import type { Request, RequestHandler } from 'express';
import { withRequestId, type Logger } from '#libs/logging';
import type { Histogram } from 'prom-client';
import { OPS_PATHS } from '../routes/paths.ts';
import type { RouteTable } from './route-table.ts';

/** Probes and scrapes would drown the log; they are logged at debug level only. */
const quietPaths = new Set<string>(Object.values(OPS_PATHS));

/**
 * The matched route pattern (`/api/v1/users/me`), never the raw URL: it keeps metric
 * labels bounded and keeps ids and query strings (which may hold secrets) out of logs. A
 * request refused before it reached its route (a bad body, 405) is labelled with the route
 * it was for, from the table of declared routes.
 */
export function routeLabel(req: Request, routes?: RouteTable): string {
  const route: unknown = req.route;
  const pattern = typeof route === 'object' && route !== null && 'path' in route ? route.path : undefined;
  if (typeof pattern === 'string') return `${req.baseUrl}${pattern}`;
  return routes?.patternFor(req.method, `${req.baseUrl}${req.path}`) ?? 'unmatched';
}

/**
 * One log line and one histogram sample per finished request, in the spirit of pino-http
 * but without its request/response dumps (bodies and headers may carry credentials).
 */
export function accessLog(logger: Logger, duration: Histogram<'method' | 'route' | 'status'>, routes: () => RouteTable | undefined = () => undefined): RequestHandler {
  return (req, res, next) => {
    res.on('finish', () => {
      const seconds = (performance.now() - req.receivedAt) / 1000;
      const route = routeLabel(req, routes());
      duration.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
      const level = quietPaths.has(req.path) ? 'debug' : res.statusCode >= 500 ? 'warn' : 'info';
      // Nothing to build for a line the level drops (req.ip parses X-Forwarded-For each time).
      if (!logger.isLevelEnabled(level)) return;
      // 'finish' fires outside the request's async context, so the id is restored explicitly.
      withRequestId(req.requestId, () =>
        logger[level](
          { method: req.method, route, status: res.statusCode, ms: Math.round(seconds * 1000), ip: req.ip },
          'request completed',
        ),
      );
    });
    next();
  };
}
