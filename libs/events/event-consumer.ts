import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
  type ConsumerConfig,
  type ConsumerMessages,
  type JsMsg,
} from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { withTransaction } from '#libs/db';
import type { Logger } from '#libs/logging';
import type { EventType } from './catalog.ts';
import { InvalidEventError, parseEnvelope, type EventEnvelope } from './envelope.ts';
import { ProcessedEvent } from './entities.ts';
import { ensureEventStream, eventSubject, MAX_AGE_MS } from './nats.ts';

/**
 * How long a consumer remembers an event it handled. A message can come again only while the
 * stream keeps it (a redelivery, or a replay if the consumer is recreated); a day beyond the
 * stream's age covers a row written late in the message's life.
 */
const PROCESSED_RETENTION_MS = MAX_AGE_MS + 24 * 60 * 60 * 1000;
const CLEANUP_INTERVAL_MS = 60 * 60 * 1000;

export interface EventConsumerOptions<T extends EventType> {
  orm: MikroORM;
  nats: NatsConnection;
  streamName: string;
  /** Names the durable JetStream consumer and the consumer column of `processed_events`. */
  durableName: string;
  subjectPrefix: string;
  types: readonly T[];
  /** Runs inside the transaction that records the event as processed; throw to get a redelivery. */
  handler: (em: EntityManager, envelope: EventEnvelope<T>) => Promise<void>;
  logger: Logger;
  /** How long JetStream waits for an ack before redelivering. */
  ackWaitMs?: number;
  /**
   * Deliveries before JetStream gives up on a message. Unlimited by default: a handler fails
   * when something it needs is down, and no outage, however long, may cost an event (the
   * retries back off to one a minute). Malformed messages are terminated, never retried.
   */
  maxDeliver?: number;
  /** Delay before a failed message is delivered again, growing with each attempt. */
  retryDelayMs?: number;
  /** How long the `processed_events` rows of this consumer are kept (see PROCESSED_RETENTION_MS). */
  processedRetentionMs?: number;
}

/** Whether the connected server is at least `major.minor` (features differ across 2.x). */
function serverAtLeast(nats: NatsConnection, major: number, minor: number): boolean {
  const [serverMajor = 0, serverMinor = 0] = (nats.info?.version ?? '0.0').split('.').map(Number);
  return serverMajor > major || (serverMajor === major && serverMinor >= minor);
}

/**
 * The consumer's subject filter: exactly the wanted types where the server can say so
 * (several filters need NATS 2.10), else every event, the unwanted ones acked unread.
 * Both keys are always set, one undefined, so an update replaces the other form.
 */
function subjectFilter(nats: NatsConnection, subjectPrefix: string, types: readonly EventType[]): Partial<ConsumerConfig> {
  const subjects = types.map((type) => eventSubject(subjectPrefix, type));
  if (subjects.length === 1) return { filter_subject: subjects[0], filter_subjects: undefined };
  if (serverAtLeast(nats, 2, 10)) return { filter_subject: undefined, filter_subjects: subjects };
  return { filter_subject: `${subjectPrefix}.>`, filter_subjects: undefined };
}

/**
 * Missed heartbeats while connected mean the pulls go unanswered; the client then looks its
 * consumer up (and, told to abort on a missing one, ends the loop). Say so instead of
 * stalling without a word.
 */
async function warnOfMissedHeartbeats(messages: ConsumerMessages, logger: Logger, consumer: string): Promise<void> {
  for await (const status of messages.status()) {
    if (status.type === 'heartbeats_missed') logger.warn({ consumer, missed: status.count }, 'event consumer missed heartbeats; checking its consumer');
  }
}

/**
 * A durable JetStream pull consumer that handles each event exactly once per consumer name:
 * the handler and the insert into `processed_events` share one transaction, so a
 * redelivered event finds its row and is only acked; a failing handler rolls both back
 * and the message is nak'ed with a delay. The loop survives reconnects and restarts itself;
 * if the consumer or the whole stream is gone (JetStream lost its store), it recreates both
 * and resumes with what is published from then on.
 */
export class EventConsumer<T extends EventType = EventType> {
  readonly #options: EventConsumerOptions<T>;
  #messages: ConsumerMessages | undefined;
  #loop: Promise<void> | undefined;
  #stopping = false;
  #restart: (() => void) | undefined;
  #cleanup: NodeJS.Timeout | undefined;

  constructor(options: EventConsumerOptions<T>) {
    this.#options = options;
  }

  /** Creates or updates the durable consumer, then starts consuming in the background. */
  async start(): Promise<void> {
    if (this.#loop) return;
    this.#stopping = false;
    await this.#ensureConsumer(false);
    this.#loop = this.#run();
    this.#cleanup = setInterval(() => void this.#deleteExpiredOrWarn(), CLEANUP_INTERVAL_MS);
    this.#cleanup.unref();
  }

  /**
   * Forgets handled events older than the retention (no message that old can come again) and
   * returns how many. Every replica may run it; the DELETEs only wait on each other.
   */
  async deleteExpired(): Promise<number> {
    const { orm, durableName } = this.#options;
    const cutoff = new Date(Date.now() - (this.#options.processedRetentionMs ?? PROCESSED_RETENTION_MS));
    return orm.em.fork().nativeDelete(ProcessedEvent, { consumer: durableName, processedAt: { $lt: cutoff } });
  }

  async #deleteExpiredOrWarn(): Promise<void> {
    try {
      await this.deleteExpired();
    } catch (error) {
      this.#options.logger.warn({ err: error, consumer: this.#options.durableName }, 'processed-event cleanup failed; will retry');
    }
  }

  /** Stops fetching; the message being handled is finished (committed and acked) first. */
  async stop(): Promise<void> {
    this.#stopping = true;
    clearInterval(this.#cleanup);
    this.#restart?.();
    await this.#messages?.close();
    await this.#loop;
    this.#loop = undefined;
  }

  /**
   * Creates the durable consumer, or brings an existing one to the expected config. When
   * `recovering` from an interrupted loop, something missing was lost, not new: say so.
   */
  async #ensureConsumer(recovering: boolean): Promise<void> {
    const { nats, streamName, durableName, subjectPrefix, types, logger } = this.#options;
    const jsm = await jetstreamManager(nats);
    const changeable: Partial<ConsumerConfig> = {
      ...subjectFilter(nats, subjectPrefix, types),
      ack_wait: nanos(this.#options.ackWaitMs ?? 30_000),
      max_deliver: this.#options.maxDeliver ?? -1,
      max_ack_pending: 1000,
    };
    try {
      await jsm.consumers.info(streamName, durableName);
    } catch (error) {
      const streamMissing = error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound;
      if (!streamMissing && !(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.ConsumerNotFound)) throw error;
      if (streamMissing) {
        // The same idempotent creation as at start-up; a relay may be doing it at the same time.
        await ensureEventStream(nats, streamName, subjectPrefix);
        logger.warn({ stream: streamName, consumer: durableName }, 'event stream was missing; ensured it again');
      }
      if (recovering) logger.warn({ stream: streamName, consumer: durableName }, 'durable event consumer was missing; recreating it');
      try {
        await jsm.consumers.add(streamName, {
          ...changeable,
          durable_name: durableName,
          ack_policy: AckPolicy.Explicit,
          deliver_policy: DeliverPolicy.All,
        });
        return;
      } catch {
        // Created meanwhile by another replica: fall through to the update.
      }
    }
    await jsm.consumers.update(streamName, durableName, changeable);
  }

  async #run(): Promise<void> {
    const { nats, streamName, durableName, logger } = this.#options;
    const js = jetstream(nats);
    let failures = 0;
    while (!this.#stopping) {
      try {
        const consumer = await js.consumers.get(streamName, durableName);
        // By default the client waits forever, silently, for a lost consumer or stream to come
        // back, and nobody recreates it; aborting ends the loop below, and the restart does.
        this.#messages = await consumer.consume({ max_messages: 100, abort_on_missing_resource: true });
        void warnOfMissedHeartbeats(this.#messages, logger, durableName);
        if (this.#stopping) await this.#messages.close();
        failures = 0;
        for await (const message of this.#messages) {
          await this.#handle(message);
        }
      } catch (error) {
        failures += 1;
        logger.warn({ err: error, consumer: durableName }, 'event consumer interrupted; restarting');
      }
      if (this.#stopping) break;
      // The iterator ended on its own (consumer or stream gone, connection closed): start over.
      await this.#pause(Math.min(250 * 2 ** failures, 10_000));
      await this.#ensureConsumer(true).catch((error: unknown) => logger.warn({ err: error }, 'could not ensure event consumer'));
    }
  }

  async #pause(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#restart = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.#restart = undefined;
  }

  async #handle(message: JsMsg): Promise<void> {
    const { orm, durableName, types, handler, logger } = this.#options;
    let envelope: EventEnvelope;
    try {
      envelope = parseEnvelope(message.json());
    } catch (error) {
      // No redelivery can fix a malformed message; keep it out of the way.
      const kind = error instanceof InvalidEventError ? 'invalid' : 'unreadable';
      logger.error({ err: error, kind, subject: message.subject, seq: message.seq }, 'invalid event; terminated');
      // No reason text: servers before 2.10 ignore a TERM that carries one.
      message.term();
      return;
    }
    if (!(types as readonly EventType[]).includes(envelope.type)) {
      message.ack();
      return;
    }
    const context = { event_id: envelope.id, event_type: envelope.type, consumer: durableName, delivery: message.info.deliveryCount };
    try {
      const handled = await withTransaction(orm, async (em) => {
        const inserted = await em
          .createQueryBuilder(ProcessedEvent)
          .insert({ consumer: durableName, eventId: envelope.id, processedAt: new Date() })
          .onConflict(['consumer', 'eventId'])
          .ignore()
          .execute<{ affectedRows: number }>('run');
        if (inserted.affectedRows === 0) return false;
        await handler(em, envelope as EventEnvelope<T>);
        return true;
      });
      message.ack();
      logger.debug(context, handled ? 'event handled' : 'event already handled; skipped');
    } catch (error) {
      const delayMs = Math.min((this.#options.retryDelayMs ?? 1_000) * 2 ** (message.info.deliveryCount - 1), 60_000);
      const { maxDeliver } = this.#options;
      const lastAttempt = maxDeliver !== undefined && message.info.deliveryCount >= maxDeliver;
      logger[lastAttempt ? 'error' : 'warn']({ ...context, err: error, retry_in_ms: delayMs }, lastAttempt ? 'event handler failed for the last time' : 'event handler failed; will retry');
      message.nak(delayMs);
    }
  }
}
