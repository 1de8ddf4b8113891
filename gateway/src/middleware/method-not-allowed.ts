import type { RequestHandler } from 'express';
import { AppError } from '#libs/errors';
import type { RouteTable } from './route-table.ts';

/**
 * A request no route matched, but whose path exists under other methods: 405 with `Allow`
 * (RFC 9110 §15.5.6) rather than a 404 that would suggest the resource is missing.
 */
export function methodNotAllowed(routes: RouteTable): RequestHandler {
  return (req, res, next) => {
    const allowed = routes.methodsAt(req.path);
    if (allowed.length === 0 || allowed.includes(req.method)) {
      next();
      return;
    }
    if (allowed.includes('GET')) allowed.push('HEAD');
    res.setHeader('Allow', allowed.join(', '));
    next(new AppError('METHOD_NOT_ALLOWED', `Use ${allowed.join(', ')} on this path.`));
  };
}
