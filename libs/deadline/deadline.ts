import { AsyncLocalStorage } from 'node:async_hooks';

/*
 * The deadline of the call being served, carried through every await of its work. A service
 * keeps working after its caller gave up (the caller cannot stop it), so a change committed
 * after the deadline is one the caller was told had failed: a retry then meets it as a
 * conflict, or a refresh token rotated behind the client's back ends the whole session as
 * reuse. Code about to make a change permanent asks `assertBeforeDeadline` first.
 */
const callDeadline = new AsyncLocalStorage<Date | undefined>();

/** Runs `fn` as the work of a call due by `deadline` (undefined: no deadline). */
export function withDeadline<T>(deadline: Date | undefined, fn: () => T): T {
  return callDeadline.run(deadline, fn);
}

/** The deadline of the call whose work is running, if it has one. */
export function currentDeadline(): Date | undefined {
  return callDeadline.getStore();
}

export class DeadlinePassedError extends Error {
  constructor(deadline: Date) {
    super(`The caller's deadline (${deadline.toISOString()}) passed before the change was committed; nothing was changed.`);
    this.name = 'DeadlinePassedError';
  }
}

/** Throws DeadlinePassedError when the running call's deadline has passed. */
export function assertBeforeDeadline(now: number = Date.now()): void {
  const deadline = currentDeadline();
  if (deadline !== undefined && now >= deadline.getTime()) throw new DeadlinePassedError(deadline);
}
