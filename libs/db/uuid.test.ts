import { describe, expect, it } from 'vitest';
import { isUuidV7, uuidv7, uuidv7Timestamp } from './uuid.ts';

describe(uuidv7.name, () => {
  it('sets the version 7 nibble and the RFC 9562 variant', () => {
    const sut = uuidv7();
    expect(sut).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(isUuidV7(sut)).toBe(true);
  });

  it('encodes the current Unix time in milliseconds', () => {
    const before = Date.now();
    const sut = uuidv7();
    const after = Date.now();
    const time = uuidv7Timestamp(sut).getTime();
    expect(time).toBeGreaterThanOrEqual(before);
    expect(time).toBeLessThanOrEqual(after + 1);
  });

  it('sorts in creation order, also many ids within one millisecond', () => {
    const ids = Array.from({ length: 10_000 }, () => uuidv7());
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('tells v7 ids from other strings and other UUID versions', () => {
    expect(isUuidV7('not-a-uuid')).toBe(false);
    expect(isUuidV7(crypto.randomUUID())).toBe(false);
  });
});
