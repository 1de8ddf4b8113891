import { ChangeSetType, type EventSubscriber } from '@mikro-orm/core';
import { OutboxEvent } from './entities.ts';

/** MikroORM types transactions as `any`; we only need their identity and the savepoint mark. */
function transactionOf(value: unknown): object | undefined {
  return typeof value === 'object' && value !== null ? value : undefined;
}

function isSavepoint(transaction: object): boolean {
  return 'savepointName' in transaction && transaction.savepointName !== undefined;
}

/**
 * An ORM subscriber that calls `onCommit` when a transaction that inserted outbox rows has
 * committed for real (the outermost transaction, not a savepoint), so the relay can publish
 * at once instead of at its next poll.
 *
 * A flush is tied to the transaction it ran in; a savepoint is tied to its parent when it
 * starts (MikroORM announces `beforeTransactionStart` with the parent, then
 * `afterTransactionStart` with the savepoint, on the same EntityManager), so a flush in a
 * nested transaction is credited to the outermost one. A flush outside any transaction
 * runs in an implicit one that the same EntityManager commits, so the manager is marked.
 */
export function outboxCommitWatcher(onCommit: () => void): EventSubscriber {
  const parentOf = new WeakMap<object, object>();
  const startingFrom = new WeakMap<object, object>();
  const marked = new WeakSet<object>();

  const outermost = (transaction: object): object => {
    let current = transaction;
    for (let parent = parentOf.get(current); parent !== undefined; parent = parentOf.get(current)) current = parent;
    return current;
  };

  return {
    beforeTransactionStart({ em, transaction }) {
      const parent = transactionOf(transaction);
      if (parent) startingFrom.set(em, parent);
    },
    afterTransactionStart({ em, transaction }) {
      const parent = startingFrom.get(em);
      startingFrom.delete(em);
      const started = transactionOf(transaction);
      if (started && parent && isSavepoint(started)) parentOf.set(started, parent);
    },
    onFlush({ em, uow }) {
      const insertsOutbox = uow
        .getChangeSets()
        .some((changeSet) => changeSet.type === ChangeSetType.CREATE && changeSet.meta.className === OutboxEvent.meta.className);
      if (!insertsOutbox) return;
      const transaction = transactionOf(em.getTransactionContext());
      marked.add(transaction === undefined ? em : outermost(transaction));
    },
    afterTransactionCommit({ em, transaction }) {
      const committed = transactionOf(transaction);
      if (!committed || isSavepoint(committed)) return;
      if (!marked.has(committed) && !marked.has(em)) return;
      marked.delete(committed);
      marked.delete(em);
      onCommit();
    },
  };
}
