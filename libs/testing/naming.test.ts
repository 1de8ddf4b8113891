import { describe, expect, it } from 'vitest';
import { createdAtOf, isolatedNames, newRunToken, sweptPrefixes } from './naming.ts';

describe(newRunToken.name, () => {
  it('yields names that carry their creation time and fit every system', () => {
    const now = Date.UTC(2026, 0, 2, 3, 4, 5);
    const sut = newRunToken(now);
    expect(sut).toMatch(/^[0-9a-z]{19}$/);
    expect(createdAtOf(isolatedNames.database(sut), sweptPrefixes.database)).toBe(now);
    expect(createdAtOf(isolatedNames.redisKeyPrefix(sut), sweptPrefixes.redisKey)).toBe(now);
    expect(createdAtOf(isolatedNames.eventsStream(sut), sweptPrefixes.stream)).toBe(now);
    expect(isolatedNames.eventsSubjectPrefix(sut)).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('ignores names that are not the harness’s', () => {
    expect(createdAtOf('test', sweptPrefixes.database)).toBeUndefined();
    expect(createdAtOf('egp_t_x', sweptPrefixes.database)).toBeUndefined();
  });
});
