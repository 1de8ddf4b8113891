import type { EntityManager } from '@mikro-orm/postgresql';
import { PreparedStatement } from '#libs/db';
import type { UserView } from './auth-result.ts';

interface UserRow {
  id: string;
  email: string;
  display_name: string;
  avatar_url: string | null;
  // The ORM's driver hands timestamps back as text.
  created_at: string | Date;
  updated_at: string | Date;
  wallets: { address: string; chain_id: number | string }[];
}

/*
 * The user and their wallets (oldest link first) in one round trip, with no entity
 * hydration: these are read on every sign-in. `updated_at` is the user's last change as
 * GET /users/me shows it: the account's, or a later profile edit's (`greatest` skips nulls).
 */
const USER_COLUMNS = `
  u.id, u.email, u.display_name, u.avatar_url, u.created_at,
  greatest(u.updated_at, u.display_name_edited_at, u.avatar_url_edited_at) as updated_at,
  coalesce((select json_agg(json_build_object('address', w.address, 'chain_id', w.chain_id) order by w.created_at)
              from "auth"."wallets" w where w.user_id = u.id), '[]') as wallets`;

const USER_BY_ID = new PreparedStatement<UserRow>(`select ${USER_COLUMNS} from "auth"."users" u where u.id = $1`);
// Only the sign-in path ever reads the password hash.
const CREDENTIALS_BY_EMAIL = new PreparedStatement<UserRow & { password_hash: string | null }>(
  `select ${USER_COLUMNS}, u.password_hash from "auth"."users" u where u.email_normalized = $1`,
);

function toUserView(row: UserRow): UserView {
  return {
    user: {
      id: row.id,
      email: row.email,
      displayName: row.display_name,
      avatarUrl: row.avatar_url,
      createdAt: new Date(row.created_at),
      updatedAt: new Date(row.updated_at),
    },
    wallets: row.wallets.map((wallet) => ({ address: wallet.address, chainId: Number(wallet.chain_id) })),
  };
}

export async function findUserView(em: EntityManager, userId: string): Promise<UserView | undefined> {
  const [row] = await USER_BY_ID.run(em, [userId]);
  return row && toUserView(row);
}

export interface Credentials extends UserView {
  /** Null for accounts that only ever signed in with a wallet. */
  passwordHash: string | null;
}

/** The account with this normalized email, with its password hash, for checking a sign-in. */
export async function findCredentials(em: EntityManager, emailNormalized: string): Promise<Credentials | undefined> {
  const [row] = await CREDENTIALS_BY_EMAIL.run(em, [emailNormalized]);
  return row && { ...toUserView(row), passwordHash: row.password_hash };
}

/** The account's password hash as stored now (null: none, or no such account). */
export async function storedPasswordHash(em: EntityManager, userId: string): Promise<string | null> {
  const rows = await em.getConnection().execute<Array<{ password_hash: string | null }>>(`select password_hash from "auth"."users" where id = ?`, [userId]);
  return rows[0]?.password_hash ?? null;
}

/**
 * Stores a hash made with the current parameters in place of an outdated one. Only if the
 * stored hash is still the one just verified: a password changed meanwhile is never overwritten
 * with the old password. Returns the hash the account has now for that password, or the
 * outdated one when it was changed meanwhile (a session then checks against it, and fails).
 */
export async function replaceOutdatedHash(em: EntityManager, userId: string, outdatedHash: string, passwordHash: string): Promise<string> {
  const replaced = await em.getConnection().execute<Array<{ id: string }>>(
    `update "auth"."users" set password_hash = ? where id = ? and password_hash = ? returning id`,
    [passwordHash, userId, outdatedHash],
  );
  return replaced.length === 1 ? passwordHash : outdatedHash;
}
