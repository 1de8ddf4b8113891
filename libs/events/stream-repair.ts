import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import { RequestError, type NatsConnection } from '@nats-io/transport-node';
import { ensureEventStream } from './nats.ts';

/**
 * The shortest pause between two attempts to recreate the stream. "No responders" also
 * answers a server whose JetStream is off or still starting, where no attempt can help:
 * an outage then costs one stream request per interval, not one per publish.
 */
export const STREAM_REPAIR_COOLDOWN_MS = 5_000;

function isNoResponders(error: unknown): boolean {
  return error instanceof RequestError && error.isNoResponders();
}

/**
 * Whether a failed JetStream call says the events stream is not there: never created, or
 * lost with the server's store (a new node, a wiped volume). A publish to a subject no
 * stream listens on gets "no responders" (503), which the client wraps as "jetstream is not
 * enabled"; an API call answers "stream not found".
 */
export function isStreamMissing(error: unknown): boolean {
  if (error instanceof JetStreamApiError) return error.code === JetStreamApiCodes.StreamNotFound;
  return isNoResponders(error) || (error instanceof Error && isNoResponders(error.cause));
}

/**
 * Brings a lost events stream back by re-running the start-up `ensureEventStream` (same
 * name, subjects and limits; harmless if another replica got there first), at most once
 * per cooldown. Callers that find the stream missing at the same moment share one attempt.
 */
export class EventStreamRepair {
  readonly #nats: NatsConnection;
  readonly #streamName: string;
  readonly #subjectPrefix: string;
  readonly #cooldownMs: number;
  #nextAttemptAt = 0;
  #attempt: Promise<void> | undefined;

  constructor(nats: NatsConnection, streamName: string, subjectPrefix: string, cooldownMs = STREAM_REPAIR_COOLDOWN_MS) {
    this.#nats = nats;
    this.#streamName = streamName;
    this.#subjectPrefix = subjectPrefix;
    this.#cooldownMs = cooldownMs;
  }

  get streamName(): string {
    return this.#streamName;
  }

  /**
   * Ensures the stream and returns true, or returns false without asking NATS while the
   * previous attempt is within the cooldown. Throws what `ensureEventStream` threw.
   */
  async ensureUnlessCoolingDown(): Promise<boolean> {
    if (this.#attempt) {
      await this.#attempt;
      return true;
    }
    if (Date.now() < this.#nextAttemptAt) return false;
    this.#nextAttemptAt = Date.now() + this.#cooldownMs;
    this.#attempt = ensureEventStream(this.#nats, this.#streamName, this.#subjectPrefix).then(() => undefined);
    try {
      await this.#attempt;
      return true;
    } finally {
      this.#attempt = undefined;
    }
  }
}
