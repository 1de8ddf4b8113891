import { describe, expect, it } from 'vitest';
import type { RawArgon2Result } from './argon2-raw.ts';
import { rawCeiling } from './targets.ts';

const raw = (verifiesPerSecond: number): RawArgon2Result => ({
  parameters: { memoryKib: 19456, timeCost: 2, parallelism: 1 },
  loops: 2,
  verifies: verifiesPerSecond * 5,
  seconds: 5,
  verifiesPerSecond,
  meanVerifyMs: 2000 / verifiesPerSecond,
});

describe(rawCeiling.name, () => {
  it('compares logins with the mean of the raw rates taken before and after them', () => {
    const sut = rawCeiling(raw(200), raw(300));
    expect(sut.verifiesPerSecond).toBe(250);
    expect(sut.text).toBe('250/s (raw 200/s before, 300/s after)');
  });

  it('falls back to the one raw rate when the second was not measured', () => {
    expect(rawCeiling(raw(88.3), undefined)).toEqual({ verifiesPerSecond: 88.3, text: '88.3/s' });
  });
});
