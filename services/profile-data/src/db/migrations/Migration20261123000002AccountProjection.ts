import { Migration } from '@mikro-orm/migrations';

/**
 * Makes the profile the read model of the whole user: the account's email, wallets and
 * timestamps, projected from auth's events. Existing rows keep nulls (and no wallets) and are
 * filled from auth on their next read, so no backfill has to run here.
 */
export class Migration20261123000002AccountProjection extends Migration {
  override up(): void {
    this.addSql(`alter table "profile_data"."profiles"
      add column "email" text null,
      add column "wallets" jsonb not null default '[]',
      add column "account_created_at" timestamptz null,
      add column "account_updated_at" timestamptz null`);
  }
}
