import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { EventEnvelope } from './envelope.ts';

/**
 * An event waiting to be (or already) relayed to JetStream. Written in the same transaction
 * as the change it describes; `published_at` is set only after JetStream acknowledged it.
 * The table lives in the owning service's schema (the ORM's default schema).
 */
export const OutboxEvent = defineEntity({
  name: 'OutboxEvent',
  tableName: 'outbox_events',
  properties: {
    id: p.uuid().primary(),
    type: p.string().columnType('text'),
    subject: p.string().columnType('text'),
    payload: p.json<EventEnvelope>(),
    createdAt: p.datetime().columnType('timestamptz'),
    publishedAt: p.datetime().columnType('timestamptz').nullable(),
  },
});

export type OutboxEventRow = InferEntity<typeof OutboxEvent>;

/** One row per (consumer, event) handled, so a redelivered event is recognised and skipped. */
export const ProcessedEvent = defineEntity({
  name: 'ProcessedEvent',
  tableName: 'processed_events',
  properties: {
    consumer: p.string().columnType('text').primary(),
    eventId: p.uuid().primary(),
    processedAt: p.datetime().columnType('timestamptz'),
  },
});

/** Add these to a service's entity list. */
export const eventEntities = [OutboxEvent, ProcessedEvent];
