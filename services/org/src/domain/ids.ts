import { isUuid } from '#libs/db';
import { AppError } from '#libs/errors';

export { isUuid };

/**
 * An id from a request, lower-cased so it compares equal to ids from tokens and the database.
 * Anything that is not a UUID cannot name an existing resource: NOT_FOUND, as for any unknown id.
 */
export function parseId(value: string, what: string): string {
  if (!isUuid(value)) throw AppError.notFound(what);
  return value.toLowerCase();
}
