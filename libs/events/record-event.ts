import type { EntityManager } from '@mikro-orm/core';
import { uuidv7 } from '#libs/db';
import { eventCatalog, type EventData, type EventType } from './catalog.ts';
import { InvalidEventError, type EventEnvelope } from './envelope.ts';
import { OutboxEvent } from './entities.ts';

export interface RecordEventInput<T extends EventType> {
  type: T;
  /** The recording service's name. */
  source: string;
  /** The aggregate id the event is about. */
  subject: string;
  /** Defaults to `data.organization_id` when the data carries one. */
  organizationId?: string;
  data: EventData<T>;
  /**
   * When the change happened; defaults to now. Pass the change's own timestamp (a row's
   * `created_at`, say) so a projection of the event shows exactly the owner's time.
   */
  occurredAt?: Date;
}

/**
 * Validates an event and adds it to the outbox in `em`'s unit of work, so it is written
 * by the same flush, in the same transaction, as the change it describes: committed
 * together or not at all. Call `relay.notify()` after the commit for immediate delivery.
 */
export function recordEvent<T extends EventType>(em: EntityManager, input: RecordEventInput<T>): EventEnvelope<T> {
  const parsed = eventCatalog[input.type].safeParse(input.data);
  if (!parsed.success) throw new InvalidEventError(`Invalid data for ${input.type}: ${parsed.error.message}`);
  const data = parsed.data as EventData<T>;
  const organizationId =
    input.organizationId ?? ('organization_id' in data && typeof data.organization_id === 'string' ? data.organization_id : undefined);
  const occurredAt = input.occurredAt ?? new Date();
  const envelope = {
    id: uuidv7(),
    type: input.type,
    source: input.source,
    occurred_at: occurredAt.toISOString(),
    ...(organizationId === undefined ? {} : { organization_id: organizationId }),
    subject: input.subject,
    data,
  } as EventEnvelope<T>;
  em.create(OutboxEvent, {
    id: envelope.id,
    type: envelope.type,
    subject: envelope.subject,
    payload: envelope as EventEnvelope,
    createdAt: occurredAt,
    publishedAt: null,
  });
  return envelope;
}
