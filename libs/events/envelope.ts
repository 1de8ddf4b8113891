import { z } from 'zod';
import { eventCatalog, eventTypes, type EventData, type EventType } from './catalog.ts';

/**
 * What travels on the wire and sits in the outbox. Distributes over `T`, so for the
 * union of all types a `switch (envelope.type)` narrows `data`.
 */
export type EventEnvelope<T extends EventType = EventType> = {
  [K in T]: {
    /** UUID v7; also the JetStream `Nats-Msg-Id`, so a republished event is dropped as a duplicate. */
    id: string;
    type: K;
    /** The service that recorded it. */
    source: string;
    /** RFC 3339, UTC. */
    occurred_at: string;
    organization_id?: string;
    /** The id of the aggregate the event is about (a user id for `user.*`, and so on). */
    subject: string;
    data: EventData<K>;
  };
}[T];

const envelopeShape = z.object({
  id: z.uuid(),
  type: z.enum(eventTypes as [EventType, ...EventType[]]),
  source: z.string().min(1),
  occurred_at: z.iso.datetime({ offset: true }),
  organization_id: z.uuid().optional(),
  subject: z.string().min(1),
  data: z.unknown(),
});

export class InvalidEventError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvalidEventError';
  }
}

/** Validates an envelope and its data against the catalog; throws `InvalidEventError`. */
export function parseEnvelope(value: unknown): EventEnvelope {
  const shape = envelopeShape.safeParse(value);
  if (!shape.success) throw new InvalidEventError(`Invalid event envelope: ${z.prettifyError(shape.error)}`);
  const data = eventCatalog[shape.data.type].safeParse(shape.data.data);
  if (!data.success) {
    throw new InvalidEventError(`Invalid data for ${shape.data.type}: ${z.prettifyError(data.error)}`);
  }
  const { organization_id: organizationId, ...rest } = shape.data;
  return {
    ...rest,
    ...(organizationId === undefined ? {} : { organization_id: organizationId }),
    data: data.data,
  } as EventEnvelope;
}
