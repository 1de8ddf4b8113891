const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * The DDL for the outbox and the processed-events log inside `schema`; a service's first
 * migration runs these. The partial index keeps the relay's scan of unpublished rows cheap
 * however large the published history grows.
 */
export function eventTablesSql(schema: string): string[] {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`Invalid schema name "${schema}".`);
  const table = (name: string) => `"${schema}"."${name}"`;
  return [
    `create table ${table('outbox_events')} (
      "id" uuid primary key,
      "type" text not null,
      "subject" text not null,
      "payload" jsonb not null,
      "created_at" timestamptz not null default now(),
      "published_at" timestamptz null
    )`,
    `create index "outbox_events_unpublished_idx" on ${table('outbox_events')} ("created_at", "id") where "published_at" is null`,
    `create table ${table('processed_events')} (
      "consumer" text not null,
      "event_id" uuid not null,
      "processed_at" timestamptz not null default now(),
      primary key ("consumer", "event_id")
    )`,
  ];
}
