import { z } from 'zod';
import type { Page } from '#gen/egp/org/v1/org_service';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;

/**
 * `?limit=&cursor=` of every list (API.md, "Lists"). Other query parameters are ignored,
 * not refused: a query string cannot assign anything, and cache-busters are common.
 */
export const listQuery = z.object({
  // Digits only: a number coerced from the text would also take `1e1`, `0x10` or ` 1`.
  limit: z
    .string()
    .regex(/^\d{1,3}$/, `must be a whole number from 1 to ${MAX_PAGE_SIZE}`)
    .transform(Number)
    .pipe(z.number().int().min(1).max(MAX_PAGE_SIZE))
    .default(DEFAULT_PAGE_SIZE)
    .meta({ description: `Page size, 1 to ${MAX_PAGE_SIZE}; default ${DEFAULT_PAGE_SIZE}` }),
  cursor: z
    .string()
    .min(1)
    .max(256)
    .optional()
    .meta({ description: 'The `next_cursor` of the previous page; omit for the first page' }),
});

export function toPage(query: z.output<typeof listQuery>): Page {
  return { limit: query.limit, cursor: query.cursor };
}

/** `{data, next_cursor}`; `next_cursor` is null on the last page. */
export function pageOf<Item extends z.ZodType>(item: Item) {
  return z.object({
    data: z.array(item),
    next_cursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last page' }),
  });
}
