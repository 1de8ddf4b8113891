import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError } from '#libs/errors';
import type { Logger } from '#libs/logging';
import { PROBLEM_CONTENT_TYPE, toProblem, type Problem } from './problem.ts';
import { BEARER_TOKEN_REFUSED } from './authenticate.ts';
import { REFUSED_BY_IP_LIMIT } from './rate-limit.ts';
import { securityEvents } from './security-log.ts';
import { isAnswerHeld } from './idempotency-answer.ts';

/**
 * Every 401 names the scheme to use (RFC 9110 §11.6.1); when the request's bearer token was
 * the reason, the challenge says so, and a client knows to refresh or sign in again rather
 * than to add credentials (RFC 6750 §3.1).
 */
const WWW_AUTHENTICATE = 'Bearer realm="egp-accounts"';
const INVALID_TOKEN_CHALLENGE = `${WWW_AUTHENTICATE}, error="invalid_token"`;

/** What a refusing rate limit said about itself, when one refused: the AppError's own figures. */
type RefusingLimit = Partial<Pick<AppError, 'retryAfterSeconds' | 'rateLimit'>>;

export function sendProblem(res: Parameters<RequestHandler>[1], problem: Problem, limit: RefusingLimit = {}): void {
  const { retryAfterSeconds, rateLimit } = limit;
  if (problem.status === 401) res.setHeader('WWW-Authenticate', res.locals[BEARER_TOKEN_REFUSED] === true ? INVALID_TOKEN_CHALLENGE : WWW_AUTHENTICATE);
  if (retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(retryAfterSeconds));
  // A limit further in (a service's per-account limit, say) tripped: the per-IP figures set
  // earlier would tell the client it may go on, so describe the limit that refused it:
  // its quota when the service named it (never the per-IP one, which belongs to another
  // limit), nothing left, and a reset at Retry-After.
  if (problem.status === 429 && retryAfterSeconds !== undefined && res.locals[REFUSED_BY_IP_LIMIT] !== true) {
    if (rateLimit === undefined) res.removeHeader('RateLimit-Limit');
    else res.setHeader('RateLimit-Limit', String(rateLimit));
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

/**
 * Turns anything thrown into problem+json; internals reach the log, never the client. Refused
 * credentials and the route guard's 403s are security events besides (see `securityEvents`).
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  const securityEvent = securityEvents(logger);
  return (error: unknown, req, res, next) => {
    if (isAnswerHeld(res)) {
      // Answered already (the answer waits to be recorded for its Idempotency-Key): that answer stands.
      logger.error({ err: error, request_id: req.requestId }, 'request failed after its answer was sent');
      return;
    }
    if (res.headersSent) {
      next(error);
      return;
    }
    const problem = toProblem(fromHttpError(error), req.requestId);
    if (problem.status >= 500) logger.error({ err: error, request_id: req.requestId }, 'request failed');
    else logger.debug({ code: problem.code, request_id: req.requestId }, 'request rejected');
    securityEvent(error, req);
    sendProblem(res, problem, error instanceof AppError ? error : {});
  };
}
