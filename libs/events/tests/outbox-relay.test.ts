import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { uuidv7, withTransaction } from '#libs/db';
import { DUPLICATE_WINDOW_MS, eventSubject, InvalidEventError, OutboxEvent, OutboxRelay, recordEvent, type EventEnvelope } from '../index.ts';
import { Gadget, openEventsFixture, streamMessageCount, type EventsFixture } from './fixtures.ts';

let fixture: EventsFixture;
beforeAll(async () => {
  fixture = await openEventsFixture('relay');
});
afterAll(async () => {
  await fixture.close();
});

/** Creates a gadget and records its event in one transaction, as a service would. */
async function createGadgetWithEvent(name: string): Promise<EventEnvelope<'app.created'>> {
  return withTransaction(fixture.orm, async (em) => {
    const id = uuidv7();
    em.create(Gadget, { id, name });
    return recordEvent(em, {
      type: 'app.created',
      source: 'test',
      subject: id,
      data: { organization_id: uuidv7(), app_id: id, name },
    });
  });
}

async function publishedAt(eventId: string): Promise<Date | null | undefined> {
  const row = await fixture.orm.em.fork().findOne(OutboxEvent, { id: eventId });
  return row?.publishedAt;
}

describe(OutboxRelay.name, () => {
  it('publishes a committed event to JetStream with its id as Nats-Msg-Id, woken by the commit', async () => {
    // A poll interval far beyond the test's wait: only the commit watcher can deliver in time.
    const sut = new OutboxRelay({ orm: fixture.orm, nats: fixture.nats, streamName: fixture.streamName, subjectPrefix: fixture.subjectPrefix, logger: fixture.logger, pollIntervalMs: 60_000 });
    sut.start();
    try {
      const envelope = await createGadgetWithEvent('sprocket');

      await vi.waitFor(async () => expect(await publishedAt(envelope.id)).toBeInstanceOf(Date), { timeout: 3_000, interval: 20 });
      const stream = await jetstream(fixture.nats).streams.get(fixture.streamName);
      const stored = await stream.getMessage({ last_by_subj: eventSubject(fixture.subjectPrefix, 'app.created') });
      expect(stored?.header.get('Nats-Msg-Id')).toBe(envelope.id);
      expect(stored?.json()).toEqual(envelope);
      expect(envelope.organization_id).toBe(envelope.data.organization_id);
    } finally {
      await sut.stop();
    }
  });

  it('is woken by the outermost commit, also for a plain flush and a nested transaction', async () => {
    const sut = new OutboxRelay({ orm: fixture.orm, nats: fixture.nats, streamName: fixture.streamName, subjectPrefix: fixture.subjectPrefix, logger: fixture.logger, pollIntervalMs: 60_000 });
    sut.start();
    const record = (em: Parameters<typeof recordEvent>[0]) =>
      recordEvent(em, { type: 'user.password_changed', source: 'test', subject: 's', data: { user_id: uuidv7() } });
    try {
      const plain = fixture.orm.em.fork();
      const flushed = record(plain);
      await plain.flush();
      await vi.waitFor(async () => expect(await publishedAt(flushed.id)).toBeInstanceOf(Date), { timeout: 3_000, interval: 20 });

      const nested = await withTransaction(fixture.orm, async (outer) => {
        const inner = await withTransaction(outer, async (em) => record(em));
        // Held open past the savepoint: the event must not be looked for before this commits.
        await new Promise((resolve) => setTimeout(resolve, 50));
        return inner;
      });
      await vi.waitFor(async () => expect(await publishedAt(nested.id)).toBeInstanceOf(Date), { timeout: 3_000, interval: 20 });
    } finally {
      await sut.stop();
    }
  });

  it('publishes nothing for a transaction that rolled back', async () => {
    const sut = new OutboxRelay({ orm: fixture.orm, nats: fixture.nats, streamName: fixture.streamName, subjectPrefix: fixture.subjectPrefix, logger: fixture.logger });
    const before = await streamMessageCount(fixture.nats, fixture.streamName);

    const failed = withTransaction(fixture.orm, async (em) => {
      recordEvent(em, { type: 'user.password_changed', source: 'test', subject: uuidv7(), data: { user_id: uuidv7() } });
      await em.flush();
      throw new Error('business rule failed after the write');
    });
    await expect(failed).rejects.toThrow('business rule failed');

    expect(await sut.relayOnce()).toBe(0);
    expect(await streamMessageCount(fixture.nats, fixture.streamName)).toBe(before);
  });

  it('lets JetStream drop a re-publish after a crash between ack and mark', async () => {
    const sut = new OutboxRelay({ orm: fixture.orm, nats: fixture.nats, streamName: fixture.streamName, subjectPrefix: fixture.subjectPrefix, logger: fixture.logger });
    const envelope = await createGadgetWithEvent('cog');
    expect(await sut.relayOnce()).toBe(1);
    const afterFirst = await streamMessageCount(fixture.nats, fixture.streamName);

    // The process died after the ack but before the mark committed: the row is unpublished again.
    await fixture.orm.em.fork().nativeUpdate(OutboxEvent, { id: envelope.id }, { publishedAt: null });
    expect(await sut.relayOnce()).toBe(1);

    expect(await streamMessageCount(fixture.nats, fixture.streamName)).toBe(afterFirst);
    expect(await publishedAt(envelope.id)).toBeInstanceOf(Date);
  });

  it('creates a missing stream with the start-up config and publishes the backlog into it', async () => {
    const missing = await openEventsFixture('missing', { createStream: false });
    const sut = new OutboxRelay({ orm: missing.orm, nats: missing.nats, streamName: missing.streamName, subjectPrefix: missing.subjectPrefix, logger: missing.logger });
    try {
      const envelopes = await withTransaction(missing.orm, async (em) => [
        recordEvent(em, { type: 'org.settings_updated', source: 'test', subject: 'o1', data: { organization_id: uuidv7() } }),
        recordEvent(em, { type: 'org.settings_updated', source: 'test', subject: 'o2', data: { organization_id: uuidv7() } }),
      ]);

      expect(await sut.relayOnce()).toBe(envelopes.length);

      expect(await streamMessageCount(missing.nats, missing.streamName)).toBe(envelopes.length);
      const { config } = await (await jetstreamManager(missing.nats)).streams.info(missing.streamName);
      expect(config.subjects).toEqual([`${missing.subjectPrefix}.>`]);
      expect(config.duplicate_window).toBe(nanos(DUPLICATE_WINDOW_MS));
      expect(missing.logLines.some((line) => line.msg === 'event stream was missing; ensured it again' && line.level === 'warn')).toBe(true);
    } finally {
      await missing.close();
    }
  });

  it('deletes published rows past their retention and keeps unpublished and recent ones', async () => {
    const sut = new OutboxRelay({ orm: fixture.orm, nats: fixture.nats, streamName: fixture.streamName, subjectPrefix: fixture.subjectPrefix, logger: fixture.logger, retentionMs: 60 * 60 * 1000 });
    const old = await createGadgetWithEvent('old');
    const recent = await createGadgetWithEvent('recent');
    const pending = await createGadgetWithEvent('pending');
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000);
    const em = fixture.orm.em.fork();
    await em.nativeUpdate(OutboxEvent, { id: old.id }, { publishedAt: twoDaysAgo, createdAt: twoDaysAgo });
    await em.nativeUpdate(OutboxEvent, { id: recent.id }, { publishedAt: new Date(Date.now() - 60_000) });
    await em.nativeUpdate(OutboxEvent, { id: pending.id }, { createdAt: twoDaysAgo });

    expect(await sut.deleteExpired()).toBe(1);
    expect(await publishedAt(old.id)).toBeUndefined();
    expect(await publishedAt(recent.id)).toBeInstanceOf(Date);
    expect(await publishedAt(pending.id)).toBeNull();
  });

  it('runs the retention cleanup from its background loop', async () => {
    const sut = new OutboxRelay({ orm: fixture.orm, nats: fixture.nats, streamName: fixture.streamName, subjectPrefix: fixture.subjectPrefix, logger: fixture.logger, retentionMs: 60 * 60 * 1000 });
    const old = await createGadgetWithEvent('stale');
    const longAgo = new Date(Date.now() - 3 * 60 * 60 * 1000);
    await fixture.orm.em.fork().nativeUpdate(OutboxEvent, { id: old.id }, { publishedAt: longAgo });
    sut.start();
    try {
      await vi.waitFor(async () => expect(await publishedAt(old.id)).toBeUndefined(), { timeout: 3_000, interval: 25 });
    } finally {
      await sut.stop();
    }
  });

  it('finishes the batch in flight when stopped', async () => {
    const sut = new OutboxRelay({ orm: fixture.orm, nats: fixture.nats, streamName: fixture.streamName, subjectPrefix: fixture.subjectPrefix, logger: fixture.logger });
    await createGadgetWithEvent('spring');
    sut.start();
    await sut.stop();
    expect(await fixture.orm.em.fork().count(OutboxEvent, { publishedAt: null })).toBe(0);
  });
});

describe(recordEvent.name, () => {
  it('refuses data that does not match the catalog, before anything is written', async () => {
    const em = fixture.orm.em.fork();
    const invalid = { user_id: 'not-a-uuid' };
    expect(() => recordEvent(em, { type: 'user.password_changed', source: 'test', subject: 'x', data: invalid })).toThrow(InvalidEventError);
    expect(em.getUnitOfWork().getPersistStack().size).toBe(0);
  });
});
