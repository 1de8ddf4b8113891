import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '#libs/errors';
import type { Principal } from '#libs/identity';
import { UserSchema, WalletSchema } from '../db/entities/index.ts';
import type { UserView } from './auth-result.ts';

/** A user may read their own record; internal services may read any. */
function assertMayRead(principal: Principal, userId: string): void {
  if (principal.kind === 'service') return;
  if (principal.kind === 'user' && principal.userId === userId) return;
  throw AppError.notFound('User');
}

export async function getUser(em: EntityManager, principal: Principal, userId: string): Promise<UserView> {
  assertMayRead(principal, userId);
  const fork = em.fork();
  const user = await fork.findOne(UserSchema, { id: userId });
  if (!user) throw AppError.notFound('User');
  const wallets = await fork.find(WalletSchema, { userId }, { orderBy: { createdAt: 'asc' } });
  return { user, wallets };
}
