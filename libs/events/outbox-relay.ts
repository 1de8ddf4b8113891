import { LockMode } from '@mikro-orm/core';
import type { MikroORM } from '@mikro-orm/postgresql';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '#libs/logging';
import { outboxCommitWatcher } from './commit-watcher.ts';
import { OutboxEvent } from './entities.ts';
import { eventSubject } from './nats.ts';
import { EventStreamRepair, isStreamMissing } from './stream-repair.ts';
import type { EventType } from './catalog.ts';

export interface OutboxRelayOptions {
  orm: MikroORM;
  nats: NatsConnection;
  /** The stream `ensureEventStream` created at start-up; recreated if it is lost (see `#publish`). */
  streamName: string;
  subjectPrefix: string;
  logger: Logger;
  /** How often to look for events nobody told us about (other replicas' commits). */
  pollIntervalMs?: number;
  batchSize?: number;
  /** The longest pause between attempts while NATS or the database is failing. */
  maxBackoffMs?: number;
  publishTimeoutMs?: number;
  /**
   * How long a published row is kept before it is deleted. Rows may carry one-time secrets
   * (an invitation token meant for the mailer), so the published history must not grow forever.
   */
  retentionMs?: number;
  /** How often published rows past their retention are deleted. */
  cleanupIntervalMs?: number;
}

/**
 * Moves committed outbox rows to JetStream. Each batch is claimed with
 * `FOR UPDATE SKIP LOCKED`, so replicas share the work without double-sending; a row is
 * marked published only after JetStream acknowledged it, and is published with its event
 * id as `Nats-Msg-Id`, so a crash between ack and mark makes the retry a duplicate the
 * stream drops. Failures are logged and retried with backoff: nothing is lost, nothing crashes.
 * A stream lost with the NATS store is recreated on the spot, so events do not stall until
 * some service restarts.
 */
export class OutboxRelay {
  readonly #options: Required<Omit<OutboxRelayOptions, 'orm' | 'nats' | 'logger' | 'subjectPrefix'>> & OutboxRelayOptions;
  readonly #js: JetStreamClient;
  readonly #streamRepair: EventStreamRepair;
  #loop: Promise<void> | undefined;
  #stopping = false;
  #wakeRequested = false;
  #nextCleanupAt = 0;
  #wake: (() => void) | undefined;

  constructor(options: OutboxRelayOptions) {
    this.#options = {
      pollIntervalMs: 200,
      batchSize: 100,
      maxBackoffMs: 10_000,
      publishTimeoutMs: 5_000,
      retentionMs: 24 * 60 * 60 * 1000,
      cleanupIntervalMs: 60_000,
      ...options,
    };
    this.#js = jetstream(options.nats);
    this.#streamRepair = new EventStreamRepair(options.nats, options.streamName, options.subjectPrefix);
    // Commits that inserted outbox rows wake the loop, so events leave within milliseconds
    // without every caller remembering notify(); other replicas' events are found by the poll.
    options.orm.em.getEventManager().registerSubscriber(
      outboxCommitWatcher(() => {
        if (this.#loop) this.notify();
      }),
    );
  }

  /** Starts the background loop; returns at once. */
  start(): void {
    if (this.#loop) return;
    this.#stopping = false;
    this.#loop = this.#run();
  }

  /** Stops after the batch in flight is published and marked. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#wake?.();
    await this.#loop;
    this.#loop = undefined;
  }

  /** Asks the loop to look now, e.g. right after a commit that recorded events. */
  notify(): void {
    this.#wakeRequested = true;
    this.#wake?.();
  }

  /**
   * Publishes one batch and returns how many were published. If publishing fails part-way,
   * the events acknowledged so far are still marked, then the error is thrown.
   */
  async relayOnce(): Promise<number> {
    const { orm, batchSize } = this.#options;
    let failure: Error | undefined;
    const published = await orm.em.fork().transactional(async (em) => {
      const batch = await em.find(
        OutboxEvent,
        { publishedAt: null },
        { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], limit: batchSize, lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE },
      );
      let count = 0;
      for (const event of batch) {
        try {
          await this.#publish(event.id, event.type as EventType, event.payload);
        } catch (error) {
          failure = error instanceof Error ? error : new Error(String(error));
          break;
        }
        event.publishedAt = new Date();
        count += 1;
      }
      return count;
    });
    if (failure !== undefined) throw failure;
    return published;
  }

  /**
   * Publishes one event with its id as `Nats-Msg-Id`. If the stream is missing (JetStream
   * lost its store), recreates it and publishes the same message again, same id: the first
   * attempt reached no stream, so the event is stored once.
   */
  async #publish(id: string, type: EventType, payload: unknown): Promise<void> {
    const { subjectPrefix, publishTimeoutMs, logger } = this.#options;
    const publish = () => this.#js.publish(eventSubject(subjectPrefix, type), JSON.stringify(payload), { msgID: id, timeout: publishTimeoutMs });
    try {
      await publish();
    } catch (error) {
      if (!isStreamMissing(error) || !(await this.#streamRepair.ensureUnlessCoolingDown())) throw error;
      logger.warn({ err: error, stream: this.#streamRepair.streamName }, 'event stream was missing; ensured it again');
      await publish();
    }
  }

  /**
   * Deletes rows published longer than the retention ago and returns how many. One plain
   * DELETE: replicas running it at once only wait on each other's row locks, and unpublished
   * rows (`published_at` null) never match.
   */
  async deleteExpired(): Promise<number> {
    const { orm, retentionMs } = this.#options;
    const cutoff = new Date(Date.now() - retentionMs);
    return orm.em.fork().nativeDelete(OutboxEvent, { publishedAt: { $lt: cutoff } });
  }

  async #cleanUpIfDue(): Promise<void> {
    const now = Date.now();
    if (now < this.#nextCleanupAt) return;
    this.#nextCleanupAt = now + this.#options.cleanupIntervalMs;
    try {
      const deleted = await this.deleteExpired();
      if (deleted > 0) this.#options.logger.debug({ deleted }, 'expired outbox rows deleted');
    } catch (error) {
      this.#options.logger.warn({ err: error }, 'outbox cleanup failed; will retry');
    }
  }

  async #run(): Promise<void> {
    const { pollIntervalMs, batchSize, maxBackoffMs, logger } = this.#options;
    let backoffMs = 0;
    while (!this.#stopping) {
      await this.#cleanUpIfDue();
      let published = 0;
      try {
        published = await this.relayOnce();
        if (backoffMs > 0) logger.info('outbox relay recovered');
        backoffMs = 0;
      } catch (error) {
        backoffMs = Math.min(backoffMs === 0 ? 250 : backoffMs * 2, maxBackoffMs);
        logger.warn({ err: error, retry_in_ms: backoffMs }, 'outbox relay failed; will retry');
      }
      if (published > 0) logger.debug({ published }, 'outbox events published');
      if (this.#stopping) break;
      // A full batch means more is waiting; otherwise wait for a poll, a notify, or the backoff.
      if (backoffMs === 0 && published === batchSize) continue;
      await this.#sleep(backoffMs || pollIntervalMs, backoffMs === 0);
    }
  }

  /** Sleeps for `ms`; `notify()` cuts it short unless we are backing off from a failure. */
  async #sleep(ms: number, wakeOnNotify: boolean): Promise<void> {
    if (wakeOnNotify && this.#wakeRequested) {
      this.#wakeRequested = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = () => {
        if (this.#stopping || wakeOnNotify) done();
      };
    });
    this.#wake = undefined;
    this.#wakeRequested = false;
  }
}
