import { AppError } from '#libs/errors';
import { isUuid } from './ids.ts';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;

export interface PageRequest {
  limit: number;
  /** Rows strictly after this key (an id; ids are UUID v7, so this is also time order). */
  after: string | undefined;
}

export interface PageResult<T> {
  items: T[];
  nextCursor: string | undefined;
}

/** The cursor is opaque to clients: base64url of the last key of the previous page. */
export function encodeCursor(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

/** `limit` 0 (unset in proto3) means the default; a cursor that we did not make is a VALIDATION_FAILED. */
export function parsePage(page: { limit: number; cursor?: string | undefined } | undefined): PageRequest {
  const limit = page?.limit || DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw AppError.validation('Invalid page size.', [{ field: 'limit', message: `must be between 1 and ${MAX_PAGE_SIZE}` }]);
  }
  if (page?.cursor === undefined || page.cursor === '') return { limit, after: undefined };
  const after = /^[A-Za-z0-9_-]{1,64}$/.test(page.cursor) ? Buffer.from(page.cursor, 'base64url').toString('utf8') : '';
  if (!isUuid(after)) throw AppError.validation('Invalid cursor.', [{ field: 'cursor', message: 'is not a cursor from a previous page' }]);
  return { limit, after: after.toLowerCase() };
}

/** Given up to `limit + 1` rows in key order, the page and the cursor of the next one (if any). */
export function toPage<T>(rows: T[], limit: number, keyOf: (row: T) => string): PageResult<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : undefined };
}
