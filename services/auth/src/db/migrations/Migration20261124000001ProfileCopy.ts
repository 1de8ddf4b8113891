import { Migration } from '@mikro-orm/migrations';

/**
 * Auth keeps a copy of the profile's name and avatar (from profile-data's `user.updated`), so a
 * sign-in answers the whole user itself. Each field carries its edit time: events may arrive
 * late or twice, and only a newer edit replaces a field. Existing rows are filled as the new
 * durable consumer replays the stream's `user.updated` events from the start.
 */
export class Migration20261124000001ProfileCopy extends Migration {
  override up(): void {
    this.addSql(`alter table "auth"."users"
      add column "avatar_url" text null,
      add column "display_name_edited_at" timestamptz null,
      add column "avatar_url_edited_at" timestamptz null`);
  }
}
