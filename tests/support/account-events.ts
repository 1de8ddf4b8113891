import { jetstream } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type pg from 'pg';
import { uuidv7 } from '#libs/db';
import { eventSubject, type EventData } from '#libs/events';
import { testEnvironment } from '#libs/testing';

type AccountEventType = 'user.registered' | 'user.wallet_linked' | 'user.password_changed' | 'user.updated';

/**
 * Publishes the user events by hand onto the run's stream: auth's account events (auth does not
 * link wallets yet) and profile-data's `user.updated`, each with its producer as `source`.
 */
export class AccountEventPublisher {
  readonly #nats: NatsConnection;

  private constructor(nats: NatsConnection) {
    this.#nats = nats;
  }

  static async connect(): Promise<AccountEventPublisher> {
    return new AccountEventPublisher(await connect({ servers: testEnvironment().natsUrl }));
  }

  /** Publishes one event as its producer's relay would (event id as Nats-Msg-Id) and returns its id. */
  async publish<T extends AccountEventType>(type: T, data: EventData<T>, occurredAt = new Date(), source = type === 'user.updated' ? 'profile-data' : 'auth'): Promise<string> {
    const envelope = { id: uuidv7(), type, source, occurred_at: occurredAt.toISOString(), subject: data.user_id, data };
    await jetstream(this.#nats).publish(eventSubject(testEnvironment().eventsSubjectPrefix, type), JSON.stringify(envelope), { msgID: envelope.id });
    return envelope.id;
  }

  async close(): Promise<void> {
    await this.#nats.close();
  }
}

/** Whether profile-data's consumer has committed the event (its handler ran, or found it done). */
export async function processedByProfileData(db: pg.Client, eventId: string): Promise<boolean> {
  const { rows } = await db.query("select 1 from profile_data.processed_events where consumer = 'profile-data-users' and event_id = $1", [eventId]);
  return rows.length === 1;
}

/** Whether auth's profile-copy consumer has committed the event. */
export async function processedByAuth(db: pg.Client, eventId: string): Promise<boolean> {
  const { rows } = await db.query("select 1 from auth.processed_events where consumer = 'auth-profiles' and event_id = $1", [eventId]);
  return rows.length === 1;
}
