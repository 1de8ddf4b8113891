export { eventCatalog, eventTypes, isEventType, type EventData, type EventType } from './catalog.ts';
export { OutboxEvent, ProcessedEvent, eventEntities, type OutboxEventRow } from './entities.ts';
export { InvalidEventError, parseEnvelope, type EventEnvelope } from './envelope.ts';
export { EventConsumer, type EventConsumerOptions } from './event-consumer.ts';
export { eventTablesSql } from './event-tables-sql.ts';
export { connectNats, DUPLICATE_WINDOW_MS, ensureEventStream, eventSubject } from './nats.ts';
export { OutboxRelay, type OutboxRelayOptions } from './outbox-relay.ts';
export { recordEvent, type RecordEventInput } from './record-event.ts';
