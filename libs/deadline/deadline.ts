import { AsyncLocalStorage } from 'node:async_hooks';

/*
 * The deadline of the call being served, carried through every await of its work. A service
 * keeps working after its caller gave up (the caller cannot stop it), so a change committed
 * after the deadline is one the caller was told had failed: a retry then meets it as a
 * conflict, or a refresh token rotated behind the client's back ends the whole session as
 * reuse. Code about to make a change permanent asks `assertBeforeDeadline` first.
 */
interface CallScope {
  deadline: Date | undefined;
  /** Set once the work changed something outside the database that its commit must match. */
  committed: boolean;
}

const callScope = new AsyncLocalStorage<CallScope>();

/** Runs `fn` as the work of a call due by `deadline` (undefined: no deadline). */
export function withDeadline<T>(deadline: Date | undefined, fn: () => T): T {
  return callScope.run({ deadline, committed: false }, fn);
}

/** The deadline of the call whose work is running, if it has one. */
export function currentDeadline(): Date | undefined {
  return callScope.getStore()?.deadline;
}

export class DeadlinePassedError extends Error {
  constructor(deadline: Date) {
    super(`The caller's deadline (${deadline.toISOString()}) passed before the change was committed; nothing was changed.`);
    this.name = 'DeadlinePassedError';
  }
}

/**
 * Throws DeadlinePassedError when the running call's deadline has passed, unless the call
 * has passed its point of no return (then its commit must go through, late or not).
 */
export function assertBeforeDeadline(now: number = Date.now()): void {
  const scope = callScope.getStore();
  if (scope?.deadline === undefined || scope.committed) return;
  if (now >= scope.deadline.getTime()) throw new DeadlinePassedError(scope.deadline);
}

/**
 * For work about to change something outside the database (the session revocation list in
 * Redis) inside a transaction: refuses, like the commit would, once the deadline has passed;
 * otherwise lets the call's commits through from here on, late or not, so the database never
 * disagrees with what was already written elsewhere.
 */
export function passPointOfNoReturn(now: number = Date.now()): void {
  assertBeforeDeadline(now);
  const scope = callScope.getStore();
  if (scope) scope.committed = true;
}
