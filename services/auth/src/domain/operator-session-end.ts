import type { EntityManager } from '@mikro-orm/postgresql';
import { isUuid } from '#libs/db';
import { AppError } from '#libs/errors';
import type { SessionRevocationList } from '#libs/session-revocation';
import { UserSchema } from '../db/entities/index.ts';
import type { SecurityLog } from './security-log.ts';
import { endOpenSessions, endOpenSessionsBatch, lockAccount } from './session-lifecycle.ts';

/** Sessions ended per transaction when ending everyone's: each batch's locks and Redis write stay small. */
const ALL_USERS_BATCH = 500;
const REASON = 'operator';

export interface OperatorSessionEndDeps {
  em: EntityManager;
  revocations: SessionRevocationList;
  audit: SecurityLog;
}

export type SessionEndTarget = { userId: string } | { allUsers: true };

/** Reads the request's two fields: exactly one of them names the target. */
export function sessionEndTarget(userId: string, allUsers: boolean): SessionEndTarget {
  if ((userId !== '') === allUsers) {
    throw AppError.validation('Name one user, or ask for all users; not both.', [{ field: 'user_id', message: 'give user_id or all_users: true' }]);
  }
  if (allUsers) return { allUsers: true };
  if (!isUuid(userId)) throw AppError.notFound('User');
  return { userId };
}

async function endUserSessions(deps: OperatorSessionEndDeps, userId: string): Promise<number> {
  const ended = await deps.em.fork().transactional(async (em) => {
    if (!(await em.count(UserSchema, { id: userId }))) throw AppError.notFound('User');
    await lockAccount(em, userId);
    return endOpenSessions(em, deps.revocations, userId, { all: true }, REASON);
  });
  return ended.length;
}

async function endEverySession(deps: OperatorSessionEndDeps, operator: string): Promise<number> {
  const openAt = new Date();
  let total = 0;
  try {
    for (;;) {
      const batch = await deps.em.fork().transactional((em) => endOpenSessionsBatch(em, deps.revocations, openAt, ALL_USERS_BATCH, REASON));
      total += batch.length;
      if (batch.length < ALL_USERS_BATCH) return total;
    }
  } catch (error) {
    // The batches before the failure stay ended: say how many, so the record is complete.
    deps.audit.failed('session.ended_by_operator', 'failed_part_way', { scope: 'all_users', ended_sessions: total, operator });
    throw error;
  }
}

/**
 * Ends sessions as an operator (ASVS 5.0 V7.4.5): every open session of one user, or of
 * every user (those open when it starts, batch by batch; a failure part-way leaves the
 * batches done ended, and running it again finishes the rest). Returns how many ended.
 */
export async function endSessionsAsOperator(deps: OperatorSessionEndDeps, target: SessionEndTarget, operator: string): Promise<number> {
  const ended = 'userId' in target ? await endUserSessions(deps, target.userId) : await endEverySession(deps, operator);
  deps.audit.succeeded('session.ended_by_operator', { scope: 'userId' in target ? 'user' : 'all_users', user_id: 'userId' in target ? target.userId : undefined, ended_sessions: ended, operator });
  return ended;
}
