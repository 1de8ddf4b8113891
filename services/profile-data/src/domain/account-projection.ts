import type { EntityManager } from '@mikro-orm/postgresql';

export interface Wallet {
  address: string;
  chainId: number;
}

/** The account as auth holds it: what this service projects beside the profile. */
export interface Account {
  userId: string;
  email: string;
  displayName: string;
  /** In link order. */
  wallets: Wallet[];
  createdAt: Date;
  updatedAt: Date;
}

/** Reads the account from its owner, auth; `undefined` when auth has no such user. */
export type AccountSource = (userId: string) => Promise<Account | undefined>;

/** Whether the user's row carries the account fields (not only a profile from before the projection). */
export async function hasAccount(em: EntityManager, userId: string): Promise<boolean> {
  const [row] = await em.execute<Array<{ projected: boolean }>>(`select "email" is not null as "projected" from "profile_data"."profiles" where "user_id" = ?`, [userId]);
  return row?.projected === true;
}

// A row that already has the account fields keeps them: they came from the same source or
// from later events, so a stale copy never overwrites them and repeating changes nothing.
const UPSERT_ACCOUNT = `
  insert into "profile_data"."profiles" as p
    ("user_id", "display_name", "avatar_url", "created_at", "updated_at", "email", "wallets", "account_created_at", "account_updated_at")
  values (?, ?, null, ?::timestamptz, ?::timestamptz, ?, ?::jsonb, ?::timestamptz, ?::timestamptz)
  on conflict ("user_id") do update set
    "email" = excluded."email", "wallets" = excluded."wallets",
    "account_created_at" = excluded."account_created_at", "account_updated_at" = excluded."account_updated_at"
  where p."email" is null`;

/**
 * Writes the account into the user's row: a new row takes the account's display name as its
 * profile; an existing row keeps its profile and gains the account fields if it lacks them.
 * The event consumer and the read-repair path both call this, so whichever comes first wins.
 */
export async function projectAccount(em: EntityManager, account: Account): Promise<void> {
  const createdAt = account.createdAt.toISOString();
  const wallets = JSON.stringify(account.wallets.map((wallet) => ({ address: wallet.address, chain_id: wallet.chainId })));
  await em.execute(UPSERT_ACCOUNT, [account.userId, account.displayName, createdAt, createdAt, account.email, wallets, createdAt, account.updatedAt.toISOString()]);
}

// One address belongs to one user (auth's wallets key), so the address alone says "already linked".
const APPEND_WALLET = `
  update "profile_data"."profiles"
     set "wallets" = "wallets" || jsonb_build_array(jsonb_build_object('address', ?::text, 'chain_id', ?::bigint)),
         "account_updated_at" = greatest("account_updated_at", ?::timestamptz)
   where "user_id" = ? and "email" is not null
     and not exists (select 1 from jsonb_array_elements("wallets") as w where lower(w->>'address') = lower(?::text))`;

/** Appends a linked wallet at the end unless its address is there already (a redelivery). */
export async function appendWallet(em: EntityManager, userId: string, wallet: Wallet, linkedAt: Date): Promise<void> {
  await em.execute(APPEND_WALLET, [wallet.address, wallet.chainId, linkedAt.toISOString(), userId, wallet.address]);
}

/** Records a change of the account (its password, say); an older or repeated event changes nothing. */
export async function touchAccount(em: EntityManager, userId: string, changedAt: Date): Promise<void> {
  await em.execute(
    `update "profile_data"."profiles" set "account_updated_at" = greatest("account_updated_at", ?::timestamptz) where "user_id" = ? and "email" is not null`,
    [changedAt.toISOString(), userId],
  );
}
