import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';

/**
 * Runs `fn` in one database transaction on a fresh unit of work: flushed and committed
 * when `fn` resolves, rolled back when it throws. Given an `em` already inside a
 * transaction, the work joins it (MikroORM nests it as a savepoint).
 */
export async function withTransaction<T>(
  ormOrEm: MikroORM | EntityManager,
  fn: (em: EntityManager) => Promise<T>,
): Promise<T> {
  const em = 'em' in ormOrEm ? ormOrEm.em.fork() : ormOrEm;
  return em.transactional((transactionEm) => fn(transactionEm));
}
