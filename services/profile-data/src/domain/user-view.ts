import type { EntityManager } from '@mikro-orm/postgresql';
import { PreparedStatement } from '#libs/db';
import { AppError } from '#libs/errors';
import type { Principal } from '#libs/identity';
import type { StoredWallet } from '../db/entities/index.ts';
import { projectAccount, type AccountSource, type Wallet } from './account-projection.ts';

/** The user as every API response shows them, answered whole by this service. */
export interface UserView {
  userId: string;
  email: string;
  displayName: string;
  avatarUrl: string | null;
  wallets: Wallet[];
  /** When the account was created. */
  createdAt: Date;
  /** The later of the account's and the profile's last change. */
  updatedAt: Date;
}

/** What the view is built from; the hot read and the profile edit's `returning` both select it. */
export const USER_VIEW_COLUMNS = `"user_id", "email", "display_name", "avatar_url", "wallets", "created_at", "updated_at", "account_created_at", "account_updated_at"`;

export interface UserViewRow {
  user_id: string;
  email: string | null;
  display_name: string;
  avatar_url: string | null;
  wallets: StoredWallet[];
  // The ORM's driver hands timestamps back as text.
  created_at: string | Date;
  updated_at: string | Date;
  account_created_at: string | Date | null;
  account_updated_at: string | Date | null;
}

/**
 * When the user last changed: the account's time, or the profile's once the user edited it.
 * A profile never edited (created = updated) changed nothing, though its timestamps may trail
 * the account's (rows projected from the sign-up event before the account fields existed).
 */
export function lastChange(accountUpdatedAt: Date, profile: { createdAt: Date; updatedAt: Date }): Date {
  if (profile.updatedAt.getTime() === profile.createdAt.getTime()) return accountUpdatedAt;
  return profile.updatedAt > accountUpdatedAt ? profile.updatedAt : accountUpdatedAt;
}

/** The view of a row with its account fields; `undefined` for a row that needs repair first. */
export function toUserView(row: UserViewRow): UserView | undefined {
  if (row.email === null || row.account_created_at === null || row.account_updated_at === null) return undefined;
  const profile = { createdAt: new Date(row.created_at), updatedAt: new Date(row.updated_at) };
  return {
    userId: row.user_id,
    email: row.email,
    displayName: row.display_name,
    avatarUrl: row.avatar_url,
    wallets: row.wallets.map((wallet) => ({ address: wallet.address, chainId: Number(wallet.chain_id) })),
    createdAt: new Date(row.account_created_at),
    updatedAt: lastChange(new Date(row.account_updated_at), profile),
  };
}

const USER_VIEW_BY_ID = new PreparedStatement<UserViewRow>(`select ${USER_VIEW_COLUMNS} from "profile_data"."profiles" where "user_id" = $1`);

async function findUserView(em: EntityManager, userId: string): Promise<UserView | undefined> {
  // Read on every GET /users/me: one prepared statement, no entity hydration.
  const [row] = await USER_VIEW_BY_ID.run(em, [userId]);
  return row && toUserView(row);
}

/**
 * The user's view: one query once the account is projected. When it is not (the sign-up event
 * has not arrived, or the row predates the projection), the account is read from auth and
 * written with the consumer's idempotent upsert, so the answer is right just after sign-up.
 */
export async function loadUserView(em: EntityManager, userId: string, accounts: AccountSource): Promise<UserView> {
  const projected = await findUserView(em, userId);
  if (projected) return projected;
  const account = await accounts(userId);
  if (!account) throw AppError.notFound('User');
  await projectAccount(em, account);
  const repaired = await findUserView(em, userId);
  if (!repaired) throw AppError.notFound('User');
  return repaired;
}

/** A user reads only their own view; internal services read any. */
export async function getUserView(em: EntityManager, principal: Principal, userId: string, accounts: AccountSource): Promise<UserView> {
  const mayRead = principal.kind === 'service' || (principal.kind === 'user' && principal.userId === userId);
  if (!mayRead) throw AppError.notFound('User');
  return loadUserView(em, userId, accounts);
}
