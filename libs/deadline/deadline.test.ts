import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { assertBeforeDeadline, currentDeadline, DeadlinePassedError, withDeadline } from './deadline.ts';

describe(withDeadline.name, () => {
  it('carries the deadline through awaits, and only inside the call', async () => {
    const deadline = new Date(Date.now() + 60_000);
    await withDeadline(deadline, async () => {
      await sleep(1);
      expect(currentDeadline()).toBe(deadline);
      expect(() => assertBeforeDeadline()).not.toThrow();
    });
    expect(currentDeadline()).toBeUndefined();
  });

  it('refuses once the deadline has passed', () => {
    const deadline = new Date(Date.now() + 1_000);
    withDeadline(deadline, () => {
      expect(() => assertBeforeDeadline(deadline.getTime())).toThrow(DeadlinePassedError);
    });
  });

  it('never refuses work without a deadline (relays, consumers, start-up)', () => {
    expect(() => assertBeforeDeadline()).not.toThrow();
    withDeadline(undefined, () => expect(() => assertBeforeDeadline()).not.toThrow());
  });
});
