// Foreign keys are deferred to commit: entities hold plain ids, so the unit of work does not order inserts by relation.
import { Migration } from '@mikro-orm/migrations';
import { eventTablesSql } from '#libs/events';

export class Migration20261123000001Initial extends Migration {
  override up(): void {
    this.addSql(`create table "org"."organizations" (
      "id" uuid primary key,
      "name" text not null,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null
    )`);
    this.addSql(`create table "org"."organization_settings" (
      "organization_id" uuid primary key references "org"."organizations" ("id") on delete cascade deferrable initially deferred,
      "login_methods" text[] not null,
      "password_policy" jsonb not null,
      "password_policy_source" text not null,
      "require_2fa" boolean not null default false,
      "sso_enabled" boolean not null default false,
      "sso_domain" text null,
      "sso_oidc_client_id" text null,
      "sso_oidc_discovery_url" text null,
      "sso_provider" text null,
      "updated_at" timestamptz not null
    )`);
    this.addSql(`create table "org"."members" (
      "organization_id" uuid not null references "org"."organizations" ("id") on delete cascade deferrable initially deferred,
      "user_id" uuid not null,
      "role" text not null check ("role" in ('OWNER', 'ADMIN', 'MEMBER')),
      "joined_at" timestamptz not null,
      "custom_data" jsonb not null default '{}',
      constraint "members_pkey" primary key ("organization_id", "user_id")
    )`);
    // "My organizations" and the password policy across a user's organizations start from the user.
    this.addSql(`create index "members_user_id_idx" on "org"."members" ("user_id", "organization_id")`);
    this.addSql(`create table "org"."invitations" (
      "id" uuid primary key,
      "organization_id" uuid not null references "org"."organizations" ("id") on delete cascade deferrable initially deferred,
      "email" text not null,
      "email_normalized" text not null,
      "role" text not null check ("role" in ('ADMIN', 'MEMBER')),
      "token_hash" text not null constraint "invitations_token_hash_key" unique,
      "status" text not null check ("status" in ('PENDING', 'ACCEPTED', 'REVOKED')),
      "expires_at" timestamptz not null,
      "created_at" timestamptz not null,
      "invited_by" uuid not null,
      "accepted_at" timestamptz null,
      "accepted_by" uuid null,
      "revoked_at" timestamptz null
    )`);
    this.addSql(`create index "invitations_organization_id_idx" on "org"."invitations" ("organization_id", "id")`);
    // At most one pending invitation per address and organization: a re-invite replaces the old one.
    this.addSql(`create unique index "invitations_one_pending_per_email" on "org"."invitations" ("organization_id", "email_normalized") where "status" = 'PENDING'`);
    this.addSql(`create index "invitations_pending_email_idx" on "org"."invitations" ("email_normalized", "id") where "status" = 'PENDING'`);
    for (const statement of eventTablesSql('org')) this.addSql(statement);
  }
}
