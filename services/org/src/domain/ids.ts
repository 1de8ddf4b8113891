import { AppError } from '#libs/errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/**
 * An id from a request, lower-cased so it compares equal to ids from tokens and the database.
 * Anything that is not a UUID cannot name an existing resource: NOT_FOUND, as for any unknown id.
 */
export function parseId(value: string, what: string): string {
  if (!isUuid(value)) throw AppError.notFound(what);
  return value.toLowerCase();
}
