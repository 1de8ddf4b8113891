import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { assertBeforeDeadline, currentDeadline, DeadlinePassedError, passPointOfNoReturn, withDeadline } from './deadline.ts';

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

  it('lets a call past its point of no return commit late, and refuses to pass that point late', () => {
    const deadline = new Date(Date.now() + 1_000);
    const late = deadline.getTime() + 1;
    withDeadline(deadline, () => {
      passPointOfNoReturn(deadline.getTime() - 1);
      expect(() => assertBeforeDeadline(late)).not.toThrow();
    });
    withDeadline(deadline, () => {
      expect(() => passPointOfNoReturn(late)).toThrow(DeadlinePassedError);
      expect(() => assertBeforeDeadline(late)).toThrow(DeadlinePassedError);
    });
  });
});
