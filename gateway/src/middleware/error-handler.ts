import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError } from '#libs/errors';
import type { Logger } from '#libs/logging';
import { PROBLEM_CONTENT_TYPE, toProblem, type Problem } from './problem.ts';
import { REFUSED_BY_IP_LIMIT } from './rate-limit.ts';

/** Every 401 names the scheme to use (RFC 9110 §11.6.1). */
const WWW_AUTHENTICATE = 'Bearer realm="egp-accounts"';

export function sendProblem(res: Parameters<RequestHandler>[1], problem: Problem, retryAfterSeconds?: number): void {
  if (problem.status === 401) res.setHeader('WWW-Authenticate', WWW_AUTHENTICATE);
  if (retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(retryAfterSeconds));
  // A limit further in (a service's per-account limit, say) tripped: the per-IP figures set
  // earlier would tell the client it may go on, so describe the limit that refused it — as
  // far as the gateway knows it: nothing left until Retry-After. Its quota is not known
  // here, and the per-IP quota beside a 0 would describe neither limit.
  if (problem.status === 429 && retryAfterSeconds !== undefined && res.locals[REFUSED_BY_IP_LIMIT] !== true) {
    res.removeHeader('RateLimit-Limit');
    res.setHeader('RateLimit-Remaining', '0');
    res.setHeader('RateLimit-Reset', String(retryAfterSeconds));
  }
  res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}

/** Any request no route matched. */
export function notFound(): RequestHandler {
  return (_req, _res, next) => next(new AppError('NOT_FOUND', 'No such route.'));
}

/**
 * Express and its parsers throw http-errors (`status`, `expose`) for requests they cannot
 * read, e.g. a path parameter that is not valid percent-encoding: that is the client's 400.
 */
function fromHttpError(error: unknown): unknown {
  if (error instanceof AppError || typeof error !== 'object' || error === null) return error;
  const { status, expose } = error as { status?: unknown; expose?: unknown };
  // The router marks an undecodable path parameter with status 400 but not `expose`.
  if (status === 400 && (expose === true || error instanceof URIError)) return AppError.validation('The request could not be read.');
  return error;
}

/** Turns anything thrown into problem+json; internals reach the log, never the client. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const problem = toProblem(fromHttpError(error), req.requestId);
    if (problem.status >= 500) logger.error({ err: error, request_id: req.requestId }, 'request failed');
    else logger.debug({ code: problem.code, request_id: req.requestId }, 'request rejected');
    sendProblem(res, problem, error instanceof AppError ? error.retryAfterSeconds : undefined);
  };
}
