import { describe, expect, it } from 'vitest';
import { BoundedMap } from './bounded-map.ts';

describe(BoundedMap.name, () => {
  it('drops the oldest entry when a new key arrives at capacity', () => {
    const sut = new BoundedMap<string, number>(2);
    sut.set('a', 1);
    sut.set('b', 2);
    sut.set('c', 3);
    expect([sut.get('a'), sut.get('b'), sut.get('c'), sut.size]).toEqual([undefined, 2, 3, 2]);
  });

  it('replaces an existing key without dropping another', () => {
    const sut = new BoundedMap<string, number>(2);
    sut.set('a', 1);
    sut.set('b', 2);
    sut.set('a', 10);
    expect([sut.get('a'), sut.get('b')]).toEqual([10, 2]);
  });

  it('keeps nothing with a capacity of 0, and forgets a deleted key', () => {
    const off = new BoundedMap<string, number>(0);
    off.set('a', 1);
    expect(off.get('a')).toBeUndefined();
    const sut = new BoundedMap<string, number>(1);
    sut.set('a', 1);
    sut.delete('a');
    expect(sut.get('a')).toBeUndefined();
  });
});
