import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '#libs/errors';
import type { Principal } from '#libs/identity';
import type { UserView } from './auth-result.ts';
import { findUserView } from './user-records.ts';

/** A user may read their own record; internal services may read any. */
function assertMayRead(principal: Principal, userId: string): void {
  if (principal.kind === 'service') return;
  if (principal.kind === 'user' && principal.userId === userId) return;
  throw AppError.notFound('User');
}

export async function getUser(em: EntityManager, principal: Principal, userId: string): Promise<UserView> {
  assertMayRead(principal, userId);
  const view = await findUserView(em, userId);
  if (!view) throw AppError.notFound('User');
  return view;
}
