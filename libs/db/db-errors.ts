import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { AppError } from '#libs/errors';

/** What a unique violation of each named constraint means to a client. */
export type ConstraintErrors = Record<string, AppError | (() => AppError)>;

const UNIQUE_VIOLATION = '23505';

interface PostgresErrorFields {
  code?: unknown;
  constraint?: unknown;
  cause?: unknown;
}

/** The Postgres error behind `error`, looking through MikroORM's wrapper and `cause` chains. */
function uniqueViolationOf(error: unknown): PostgresErrorFields | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth += 1) {
    const fields = current as PostgresErrorFields;
    if (current instanceof UniqueConstraintViolationException || fields.code === UNIQUE_VIOLATION) return fields;
    current = fields.cause;
  }
  return undefined;
}

/**
 * The one place database constraint violations become client errors. A unique violation
 * becomes the AppError registered for its constraint name (a factory is called, so each
 * throw gets a fresh stack), or a generic CONFLICT; any other error is returned unchanged,
 * so callers can write `catch (error) { throw translateDbError(error, userConstraints); }`.
 */
export function translateDbError(error: unknown, constraints: ConstraintErrors = {}): unknown {
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
