import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '#libs/errors';
import type { Principal } from '#libs/identity';
import type { UserView } from './auth-result.ts';

/** A user may read their own record; internal services may read any. */
function assertMayRead(principal: Principal, userId: string): void {
  if (principal.kind === 'service') return;
  if (principal.kind === 'user' && principal.userId === userId) return;
  throw AppError.notFound('User');
}

interface UserRow {
  id: string;
  email: string;
  display_name: string;
  // The ORM's driver hands timestamps back as text.
  created_at: string | Date;
  updated_at: string | Date;
  wallets: { address: string; chain_id: number }[];
}

// The hottest read of the system (every GET /users/me): one round trip, no entity hydration.
const USER_WITH_WALLETS = `
  select u.id, u.email, u.display_name, u.created_at, u.updated_at,
         coalesce(json_agg(json_build_object('address', w.address, 'chain_id', w.chain_id) order by w.created_at)
                  filter (where w.address is not null), '[]') as wallets
    from "auth"."users" u left join "auth"."wallets" w on w.user_id = u.id
   where u.id = ?
   group by u.id`;

export async function getUser(em: EntityManager, principal: Principal, userId: string): Promise<UserView> {
  assertMayRead(principal, userId);
  const [row] = await em.getConnection().execute<UserRow[]>(USER_WITH_WALLETS, [userId]);
  if (!row) throw AppError.notFound('User');
  return {
    user: { id: row.id, email: row.email, displayName: row.display_name, createdAt: new Date(row.created_at), updatedAt: new Date(row.updated_at) },
    wallets: row.wallets.map((wallet) => ({ address: wallet.address, chainId: Number(wallet.chain_id) })),
  };
}
