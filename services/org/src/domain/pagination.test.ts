import { describe, expect, it } from 'vitest';
import { encodeCursor, parsePage, toPage } from './pagination.ts';

const id = '0190f0f0-0000-7000-8000-00000000000a';

describe(parsePage.name, () => {
  it('defaults to 50 and round-trips its own cursors', () => {
    expect(parsePage(undefined)).toEqual({ limit: 50, after: undefined });
    expect(parsePage({ limit: 0 })).toEqual({ limit: 50, after: undefined });
    expect(parsePage({ limit: 100, cursor: encodeCursor(id) })).toEqual({ limit: 100, after: id });
  });

  it.each([{ limit: -1 }, { limit: 101 }, { limit: 10, cursor: 'bm90LWEtdXVpZA' }, { limit: 10, cursor: '!!' }])('rejects %j', (page) => {
    expect(() => parsePage(page)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });
});

describe(toPage.name, () => {
  it('gives a next cursor only when there are more rows than the limit', () => {
    expect(toPage(['a', 'b', 'c'], 2, (row) => row)).toEqual({ items: ['a', 'b'], nextCursor: encodeCursor('b') });
    expect(toPage(['a', 'b'], 2, (row) => row)).toEqual({ items: ['a', 'b'], nextCursor: undefined });
  });
});
