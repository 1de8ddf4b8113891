// Foreign keys are deferred to commit: entities hold plain ids, so the unit of work does not order inserts by relation.
import { Migration } from '@mikro-orm/migrations';
import { eventTablesSql } from '#libs/events';

export class Migration20261123000001Initial extends Migration {
  override up(): void {
    this.addSql(`create table "auth"."users" (
      "id" uuid primary key,
      "email" text not null,
      "email_normalized" text not null constraint "users_email_normalized_key" unique,
      "password_hash" text null,
      "display_name" text not null,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null
    )`);
    this.addSql(`create table "auth"."sessions" (
      "id" uuid primary key,
      "user_id" uuid not null references "auth"."users" ("id") on delete cascade deferrable initially deferred,
      "amr" text[] not null,
      "created_at" timestamptz not null,
      "expires_at" timestamptz not null,
      "revoked_at" timestamptz null,
      "revoked_reason" text null
    )`);
    this.addSql(`create index "sessions_user_id_idx" on "auth"."sessions" ("user_id")`);
    this.addSql(`create table "auth"."refresh_tokens" (
      "id" uuid primary key,
      "session_id" uuid not null references "auth"."sessions" ("id") on delete cascade deferrable initially deferred,
      "token_hash" text not null constraint "refresh_tokens_token_hash_key" unique,
      "created_at" timestamptz not null,
      "expires_at" timestamptz not null,
      "used_at" timestamptz null
    )`);
    this.addSql(`create index "refresh_tokens_session_id_idx" on "auth"."refresh_tokens" ("session_id")`);
    this.addSql(`create table "auth"."signing_keys" (
      "kid" text primary key,
      "algorithm" text not null,
      "public_jwk" jsonb not null,
      "private_key_encrypted" text not null,
      "status" text not null check ("status" in ('next', 'current', 'previous', 'retired')),
      "created_at" timestamptz not null,
      "rotated_at" timestamptz null
    )`);
    this.addSql(`create unique index "signing_keys_one_current" on "auth"."signing_keys" ("status") where "status" = 'current'`);
    this.addSql(`create table "auth"."wallets" (
      "address" text primary key,
      "user_id" uuid not null references "auth"."users" ("id") on delete cascade deferrable initially deferred,
      "chain_id" bigint not null,
      "created_at" timestamptz not null
    )`);
    this.addSql(`create index "wallets_user_id_idx" on "auth"."wallets" ("user_id")`);
    for (const statement of eventTablesSql('auth')) this.addSql(statement);
  }
}
