import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { uuidv7 } from '#libs/db';
import { EventConsumer, eventSubject, ProcessedEvent, type EventEnvelope } from '../index.ts';
import { Gadget, openEventsFixture, type EventsFixture } from './fixtures.ts';

let fixture: EventsFixture;
beforeAll(async () => {
  fixture = await openEventsFixture('consumer');
});
afterAll(async () => {
  await fixture.close();
});

function userRegistered(): EventEnvelope<'user.registered'> {
  const userId = uuidv7();
  return {
    id: uuidv7(),
    type: 'user.registered',
    source: 'auth',
    occurred_at: new Date().toISOString(),
    subject: userId,
    data: { user_id: userId, email: `${userId}@example.com`, display_name: 'Ada' },
  };
}

/** Publishes without a message id, so JetStream keeps every copy: a redelivery, as far as a consumer can tell. */
async function publishRaw(envelope: EventEnvelope): Promise<void> {
  await jetstream(fixture.nats).publish(eventSubject(fixture.subjectPrefix, envelope.type), JSON.stringify(envelope));
}

async function pendingOf(durableName: string): Promise<{ pending: number; ackPending: number }> {
  const info = await (await jetstreamManager(fixture.nats)).consumers.info(fixture.streamName, durableName);
  return { pending: info.num_pending, ackPending: info.num_ack_pending };
}

function consumerFor(durableName: string, handler: (envelope: EventEnvelope<'user.registered'>) => Promise<void>, retryDelayMs = 50) {
  return new EventConsumer({
    orm: fixture.orm,
    nats: fixture.nats,
    streamName: fixture.streamName,
    subjectPrefix: fixture.subjectPrefix,
    durableName,
    types: ['user.registered'],
    logger: fixture.logger,
    retryDelayMs,
    handler: async (em, envelope) => {
      // A side effect in the handler's transaction, to see what commits and what rolls back.
      em.create(Gadget, { id: uuidv7(), name: `${durableName}:${envelope.id}` });
      await handler(envelope);
    },
  });
}

async function sideEffects(durableName: string, eventId: string): Promise<number> {
  return fixture.orm.em.fork().count(Gadget, { name: `${durableName}:${eventId}` });
}

describe(EventConsumer.name, () => {
  it('handles an event once even when it is delivered twice', async () => {
    const calls: string[] = [];
    const sut = consumerFor('once', async (envelope) => void calls.push(envelope.id));
    await sut.start();
    try {
      const envelope = userRegistered();
      await publishRaw(envelope);
      await publishRaw(envelope);

      await vi.waitFor(async () => expect(await pendingOf('once')).toEqual({ pending: 0, ackPending: 0 }), { timeout: 3_000, interval: 25 });
      expect(calls).toEqual([envelope.id]);
      expect(await sideEffects('once', envelope.id)).toBe(1);
      expect(await fixture.orm.em.fork().count(ProcessedEvent, { consumer: 'once', eventId: envelope.id })).toBe(1);
    } finally {
      await sut.stop();
    }
  });

  it('rolls back a failed handler and gets the event delivered again', async () => {
    const envelope = userRegistered();
    let attempts = 0;
    const sut = consumerFor('retry', async (event) => {
      if (event.id !== envelope.id) return;
      attempts += 1;
      if (attempts === 1) throw new Error('downstream hiccup');
    });
    await sut.start();
    try {
      await publishRaw(envelope);

      await vi.waitFor(async () => expect(await pendingOf('retry')).toEqual({ pending: 0, ackPending: 0 }), { timeout: 3_000, interval: 25 });
      expect(attempts).toBe(2);
      expect(await sideEffects('retry', envelope.id)).toBe(1);
      expect(fixture.logLines.some((line) => line.msg === 'event handler failed; will retry')).toBe(true);
    } finally {
      await sut.stop();
    }
  });

  it('keeps retrying a failing handler past ten deliveries: a long outage never costs an event', async () => {
    const envelope = userRegistered();
    let attempts = 0;
    // Fails eleven times (backoff 1, 2, 4 … 1024 ms here), then the dependency is back.
    const sut = consumerFor(
      'outage',
      async (event) => {
        if (event.id !== envelope.id) return;
        attempts += 1;
        if (attempts <= 11) throw new Error('dependency down');
      },
      1,
    );
    await sut.start();
    try {
      await publishRaw(envelope);
      await vi.waitFor(async () => expect(await sideEffects('outage', envelope.id)).toBe(1), { timeout: 15_000, interval: 50 });
      expect(attempts).toBe(12);
      await vi.waitFor(async () => expect(await pendingOf('outage')).toEqual({ pending: 0, ackPending: 0 }), { timeout: 3_000, interval: 25 });
    } finally {
      await sut.stop();
    }
  }, 20_000);

  it('forgets handled events once no message that old can come again, and only its own', async () => {
    const em = fixture.orm.em.fork();
    const longAgo = new Date(Date.now() - 9 * 24 * 60 * 60 * 1000);
    const [old, recent, othersOld] = [uuidv7(), uuidv7(), uuidv7()];
    em.create(ProcessedEvent, { consumer: 'forget', eventId: old, processedAt: longAgo });
    em.create(ProcessedEvent, { consumer: 'forget', eventId: recent, processedAt: new Date() });
    em.create(ProcessedEvent, { consumer: 'someone-else', eventId: othersOld, processedAt: longAgo });
    await em.flush();

    const sut = consumerFor('forget', async () => undefined);
    expect(await sut.deleteExpired()).toBe(1);
    const left = await fixture.orm.em.fork().find(ProcessedEvent, { eventId: { $in: [old, recent, othersOld] } });
    expect(left.map((row) => row.eventId).sort()).toEqual([recent, othersOld].sort());
  });

  it('terminates a message that is not a valid event instead of retrying it', async () => {
    const broken = { ...userRegistered(), data: { user_id: 'not-a-uuid' } };
    const calls: string[] = [];
    const sut = consumerFor('invalid', async (envelope) => void calls.push(envelope.id));
    await sut.start();
    try {
      await jetstream(fixture.nats).publish(eventSubject(fixture.subjectPrefix, 'user.registered'), JSON.stringify(broken));

      await vi.waitFor(async () => expect(await pendingOf('invalid')).toEqual({ pending: 0, ackPending: 0 }), { timeout: 3_000, interval: 25 });
      expect(calls).not.toContain(broken.id);
      expect(fixture.logLines.some((line) => line.msg === 'invalid event; terminated')).toBe(true);
    } finally {
      await sut.stop();
    }
  });

  it('resumes where it left off after a restart', async () => {
    const calls: string[] = [];
    const first = consumerFor('durable', async (envelope) => void calls.push(envelope.id));
    await first.start();
    await vi.waitFor(async () => expect(await pendingOf('durable')).toEqual({ pending: 0, ackPending: 0 }), { timeout: 3_000, interval: 25 });
    await first.stop();
    const seenBefore = calls.length;

    const envelope = userRegistered();
    await publishRaw(envelope);
    const second = consumerFor('durable', async (event) => void calls.push(event.id));
    await second.start();
    try {
      await vi.waitFor(() => expect(calls.slice(seenBefore)).toEqual([envelope.id]), { timeout: 3_000, interval: 25 });
    } finally {
      await second.stop();
    }
  });
});
