import { Migration } from '@mikro-orm/migrations';
import { eventTablesSql } from '#libs/events';

export class Migration20261123000001Initial extends Migration {
  override up(): void {
    this.addSql(`create table "profile_data"."profiles" (
      "user_id" uuid primary key,
      "display_name" text not null,
      "avatar_url" text null,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null
    )`);
    for (const statement of eventTablesSql('profile_data')) this.addSql(statement);
  }
}
