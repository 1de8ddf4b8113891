import type { EventSubscriber } from '@mikro-orm/core';
import { assertBeforeDeadline } from '#libs/deadline';

/**
 * Rolls back a transaction still uncommitted when its call's deadline has passed: the caller
 * was already told the call failed, so a commit now would make a change it will retry or
 * never expect (libs/deadline says what that cost). Work outside a call (relays, consumers,
 * start-up) has no deadline and always commits.
 */
export class DeadlineGuard implements EventSubscriber {
  beforeTransactionCommit(): void {
    assertBeforeDeadline();
  }
}
