import { describe, expect, it } from 'vitest';
import type { RawArgon2Result } from './argon2-raw.ts';
import type { Phase } from './scenarios.ts';
import { rawCeiling, withStalls, type TargetOutcome } from './targets.ts';

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

describe(withStalls.name, () => {
  const target: TargetOutcome = { name: 'p99', result: '12.00 ms', target: '≤ 10 ms', pass: false };
  const phase = (stalls: Phase['stalls']) => ({ stalls }) as Phase;

  it('tells what the idle probe saw in the window beside the result', () => {
    expect(withStalls(target, phase({ count: 2, longestMs: 97.6, totalMs: 121.2 })).stalls).toBe(
      'an idle process on the machine was held up ≥ 12 ms 2× in the window, 121 ms in all, longest 98 ms',
    );
    expect(withStalls(target, phase({ count: 0, longestMs: 0, totalMs: 0 })).stalls).toBe(
      'an idle process on the machine was never held up ≥ 12 ms in the window',
    );
  });

  it('changes nothing when the probe did not run, and never the verdict', () => {
    expect(withStalls(target, phase(undefined))).toBe(target);
    expect(withStalls(target, phase({ count: 5, longestMs: 300, totalMs: 600 })).pass).toBe(false);
  });
});
