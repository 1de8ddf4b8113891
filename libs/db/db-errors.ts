import { ConnectionException, UniqueConstraintViolationException } from '@mikro-orm/core';
import { DeadlinePassedError } from '#libs/deadline';
import { AppError } from '#libs/errors';

/** What a unique violation of each named constraint means to a client. */
export type ConstraintErrors = Record<string, AppError | (() => AppError)>;

const UNIQUE_VIOLATION = '23505';

interface PostgresErrorFields {
  code?: unknown;
  constraint?: unknown;
  cause?: unknown;
}

/** The first of `error` and its `cause` chain (MikroORM wraps the driver's error) that `matches`. */
function findInCauses(error: unknown, matches: (candidate: object) => boolean): PostgresErrorFields | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth += 1) {
    if (matches(current)) return current;
    current = (current as PostgresErrorFields).cause;
  }
  return undefined;
}

/** The Postgres error behind `error`, looking through MikroORM's wrapper and `cause` chains. */
function uniqueViolationOf(error: unknown): PostgresErrorFields | undefined {
  return findInCauses(error, (candidate) => candidate instanceof UniqueConstraintViolationException || (candidate as PostgresErrorFields).code === UNIQUE_VIOLATION);
}

/**
 * SQLSTATEs that mean "the database is not there right now", not "the query is wrong"; and a
 * transaction Postgres aborted to break a deadlock or a serialization conflict (40P01, 40001),
 * which the same request succeeds at when tried again.
 */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '40P01', '40001']);
/** Of those, the two where the database was there and another transaction got in the way. */
const CONTENTION_SQLSTATES = new Set(['40P01', '40001']);
/** Socket and name-resolution failures: the host is unreachable or its name does not resolve (yet). */
const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * SQLSTATE class 08, connection exceptions, except 08P01 (protocol violation): what the
 * server says of a statement it cannot read, e.g. a NUL inside a text parameter. Sending it
 * again fails again, so it is a bug to report (500), not an outage to wait out (503).
 */
function isConnectionClass(code: string): boolean {
  return code.startsWith('08') && code !== '08P01';
}

function isConnectionFailure(current: object): boolean {
  if (current instanceof ConnectionException) return true;
  const code = (current as PostgresErrorFields).code;
  if (typeof code === 'string' && (isConnectionClass(code) || UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_NODE_CODES.has(code))) return true;
  const message = (current as { message?: unknown }).message;
  // 55000 is a broad SQLSTATE; only its "not accepting connections" form (ALLOW_CONNECTIONS off) is an outage.
  return typeof message === 'string' && /Connection terminated|timeout exceeded when trying to connect|not queryable|not currently accepting connections/i.test(message);
}

/**
 * True when `error` (or anything in its `cause` chain) says the database could not be
 * reached or dropped the connection: a transient outage the caller should retry, never a bug.
 */
export function isConnectionError(error: unknown): boolean {
  return findInCauses(error, isConnectionFailure) !== undefined;
}

/** A deadlock or serialization abort anywhere in `error`'s cause chain. */
function isContention(error: unknown): boolean {
  return findInCauses(error, (candidate) => CONTENTION_SQLSTATES.has(String((candidate as PostgresErrorFields).code))) !== undefined;
}

/**
 * The one place database constraint violations become client errors. A unique violation
 * becomes the AppError registered for its constraint name (a factory is called, so each
 * throw gets a fresh stack), or a generic CONFLICT; any other error is returned unchanged,
 * so callers can write `catch (error) { throw translateDbError(error, userConstraints); }`.
 * A lost or refused connection becomes UNAVAILABLE, so an outage answers 503, not 500.
 */
export function translateDbError(error: unknown, constraints: ConstraintErrors = {}): unknown {
  if (error instanceof AppError && error.code !== 'INTERNAL') return error;
  if (error instanceof DeadlinePassedError) return AppError.unavailable(error.message, error);
  if (isContention(error)) return AppError.unavailable('A concurrent change to the same data got in the way; try again.', error);
  if (isConnectionError(error)) return AppError.unavailable('The database is unavailable; try again shortly.', error);
  const violation = uniqueViolationOf(error);
  if (violation === undefined) return error;
  const constraint = typeof violation.constraint === 'string' ? violation.constraint : undefined;
  const registered = constraint === undefined ? undefined : constraints[constraint];
  if (registered !== undefined) return typeof registered === 'function' ? registered() : registered;
  return new AppError('CONFLICT', 'Resource already exists.', { cause: error });
}

/** True when `error` is a unique violation, optionally of one named constraint. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const violation = uniqueViolationOf(error);
  return violation !== undefined && (constraint === undefined || violation.constraint === constraint);
}
