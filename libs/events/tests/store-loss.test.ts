import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { uuidv7, withTransaction } from '#libs/db';
import { ensureEventStream, EventConsumer, eventSubject, OutboxEvent, OutboxRelay, recordEvent, type EventEnvelope } from '../index.ts';
import { openEventsFixture, streamMessageCount, type EventsFixture } from './fixtures.ts';
import { startOwnNatsServer, type OwnNatsServer } from './own-nats-server.ts';

// The server is killed and restarted here, so it is this file's own, never the shared one.
let server: OwnNatsServer;
let fixture: EventsFixture;
beforeAll(async () => {
  server = await startOwnNatsServer();
  fixture = await openEventsFixture('storeloss', { natsUrl: server.url });
});
afterAll(async () => {
  await fixture?.close();
  await server?.close();
});

/** What a new node or a wiped volume does to JetStream: every stream and consumer is gone. */
async function restartWithEmptyStore(): Promise<void> {
  await server.kill();
  await server.wipeStore();
  await server.restart();
}

function relay(): OutboxRelay {
  const { orm, nats, streamName, subjectPrefix, logger } = fixture;
  return new OutboxRelay({ orm, nats, streamName, subjectPrefix, logger, pollIntervalMs: 50, maxBackoffMs: 200, publishTimeoutMs: 500 });
}

function consumer(durableName: string, handled: string[]): EventConsumer<'user.registered'> {
  const { orm, nats, streamName, subjectPrefix, logger } = fixture;
  return new EventConsumer({
    orm,
    nats,
    streamName,
    subjectPrefix,
    durableName,
    types: ['user.registered'],
    logger,
    retryDelayMs: 50,
    handler: async (_em, envelope) => void handled.push(envelope.id),
  });
}

async function recordUserRegistered(): Promise<EventEnvelope<'user.registered'>> {
  return withTransaction(fixture.orm, async (em) => {
    const userId = uuidv7();
    return recordEvent(em, { type: 'user.registered', source: 'test', subject: userId, data: { user_id: userId, email: `${userId}@example.com`, display_name: 'Ada' } });
  });
}

async function unpublishedCount(): Promise<number> {
  return fixture.orm.em.fork().count(OutboxEvent, { publishedAt: null });
}

function logged(message: string, level: string): boolean {
  return fixture.logLines.some((line) => line.msg === message && line.level === level);
}

const SOON = { timeout: 8_000, interval: 25 };

describe('events when NATS loses its store', () => {
  it('the relay recreates the stream and publishes new events without a restart, each once with its id', async () => {
    const sut = relay();
    sut.start();
    try {
      await recordUserRegistered();
      await vi.waitFor(async () => expect(await unpublishedCount()).toBe(0), SOON);

      await restartWithEmptyStore();
      const after = [await recordUserRegistered(), await recordUserRegistered()];

      await vi.waitFor(async () => expect(await unpublishedCount()).toBe(0), SOON);
      expect(await streamMessageCount(fixture.nats, fixture.streamName)).toBe(after.length);
      const stream = await jetstream(fixture.nats).streams.get(fixture.streamName);
      for (const [index, envelope] of after.entries()) {
        const stored = await stream.getMessage({ seq: index + 1 });
        expect(stored?.header.get('Nats-Msg-Id')).toBe(envelope.id);
        expect(stored?.json()).toEqual(envelope);
      }
      expect(logged('event stream was missing; ensured it again', 'warn')).toBe(true);
    } finally {
      await sut.stop();
    }
  }, 15_000);

  it('a consumer started before the loss recreates its stream and consumer and receives what is published after', async () => {
    const handled: string[] = [];
    const sut = consumer('survivor', handled);
    const publisher = relay();
    await sut.start();
    try {
      const before = await recordUserRegistered();
      await publisher.relayOnce();
      await vi.waitFor(() => expect(handled).toContain(before.id), SOON);

      await restartWithEmptyStore();
      // Nothing else here recreates the stream: the consumer must do it itself.
      await vi.waitFor(() => expect(logged('durable event consumer was missing; recreating it', 'warn')).toBe(true), SOON);
      const after = await recordUserRegistered();
      await vi.waitFor(async () => expect(await publisher.relayOnce()).toBe(1), SOON);

      await vi.waitFor(() => expect(handled).toContain(after.id), SOON);
      const info = await (await jetstreamManager(fixture.nats)).consumers.info(fixture.streamName, 'survivor');
      expect(info.config.filter_subject).toBe(eventSubject(fixture.subjectPrefix, 'user.registered'));
      expect(info.config.max_deliver).toBe(-1);
    } finally {
      await sut.stop();
    }
  }, 15_000);

  it('a restart with the same store recreates nothing: the backlog is published into the old stream and consumed', async () => {
    await ensureEventStream(fixture.nats, fixture.streamName, fixture.subjectPrefix);
    const handled: string[] = [];
    const consuming = consumer('steady', handled);
    await consuming.start();
    const sut = relay();
    sut.start();
    try {
      const before = await recordUserRegistered();
      await vi.waitFor(() => expect(handled).toContain(before.id), SOON);
      const storedBefore = await streamMessageCount(fixture.nats, fixture.streamName);
      const linesBefore = fixture.logLines.length;

      await server.kill();
      const during = await recordUserRegistered();
      await vi.waitFor(() => expect(logged('outbox relay failed; will retry', 'warn')).toBe(true), SOON);
      await server.restart();

      await vi.waitFor(() => expect(handled).toContain(during.id), SOON);
      expect(await streamMessageCount(fixture.nats, fixture.streamName)).toBe(storedBefore + 1);
      expect(logged('outbox relay recovered', 'info')).toBe(true);
      const recreations = fixture.logLines.slice(linesBefore).filter((line) => typeof line.msg === 'string' && line.msg.includes('was missing'));
      expect(recreations).toEqual([]);
    } finally {
      await sut.stop();
      await consuming.stop();
    }
  }, 15_000);
});
