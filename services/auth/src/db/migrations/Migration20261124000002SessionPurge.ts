import { Migration } from '@mikro-orm/migrations';

/**
 * Ended sessions (expired or revoked) are deleted a retention period later, with their refresh
 * tokens (see domain/session-purge.ts); these indexes let the purge find them without reading
 * the whole table.
 */
export class Migration20261124000002SessionPurge extends Migration {
  override up(): void {
    this.addSql(`create index "sessions_expires_at_idx" on "auth"."sessions" ("expires_at")`);
    this.addSql(`create index "sessions_revoked_at_idx" on "auth"."sessions" ("revoked_at") where "revoked_at" is not null`);
  }
}
