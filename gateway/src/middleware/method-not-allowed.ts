import type { RequestHandler } from 'express';
import { AppError } from '#libs/errors';

export interface RouteShape {
  method: string;
  /** Express syntax: `/api/v1/organizations/:orgId`. */
  path: string;
}

function pattern(path: string): RegExp {
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z_]\w*/g, '[^/]+');
  return new RegExp(`^${escaped}/?$`);
}

/**
 * A request no route matched, but whose path exists under other methods: 405 with `Allow`
 * (RFC 9110 §15.5.6) rather than a 404 that would suggest the resource is missing.
 */
export function methodNotAllowed(routes: readonly RouteShape[]): RequestHandler {
  const compiled = routes.map((route) => ({ method: route.method.toUpperCase(), pattern: pattern(route.path) }));
  return (req, res, next) => {
    const allowed = [...new Set(compiled.filter((route) => route.pattern.test(req.path)).map((route) => route.method))];
    if (allowed.length === 0 || allowed.includes(req.method)) {
      next();
      return;
    }
    if (allowed.includes('GET')) allowed.push('HEAD');
    res.setHeader('Allow', allowed.join(', '));
    next(new AppError('METHOD_NOT_ALLOWED', `Use ${allowed.join(', ')} on this path.`));
  };
}
