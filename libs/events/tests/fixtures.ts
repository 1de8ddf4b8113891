import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { defineEntity, p } from '@mikro-orm/core';
import { Migration } from '@mikro-orm/migrations';
import type { MikroORM } from '@mikro-orm/postgresql';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { openServiceOrm } from '#libs/db';
import { createLogger, type Logger } from '#libs/logging';
import { testEnvironment } from '#libs/testing';
import { connectNats, ensureEventStream, eventEntities, eventTablesSql } from '../index.ts';

/** The one domain entity of the test schema: something to change alongside an event. */
export const Gadget = defineEntity({
  name: 'Gadget',
  tableName: 'gadgets',
  properties: {
    id: p.uuid().primary(),
    name: p.string().columnType('text'),
  },
});

function initialMigration(schema: string) {
  return class CreateGadgets extends Migration {
    override up(): void {
      this.addSql(`create table "${schema}"."gadgets" ("id" uuid primary key, "name" text not null)`);
      for (const statement of eventTablesSql(schema)) this.addSql(statement);
    }
  };
}

export interface EventsFixture {
  orm: MikroORM;
  nats: NatsConnection;
  schema: string;
  streamName: string;
  subjectPrefix: string;
  logger: Logger;
  /** Log lines written so far, parsed. */
  logLines: Record<string, unknown>[];
  close(): Promise<void>;
}

/**
 * A schema and a stream of this test file's own inside the run's environment, so counts of
 * rows and stream messages are the file's alone. The stream name extends the run's stream
 * name, so the run's cleanup deletes it too. `natsUrl` points it at a server of the test's own.
 */
export async function openEventsFixture(label: string, options: { createStream?: boolean; natsUrl?: string } = {}): Promise<EventsFixture> {
  const environment = testEnvironment();
  const suffix = randomBytes(3).toString('hex');
  const schema = `ev_${label}_${suffix}`;
  const streamName = `${environment.eventsStream}_${label.toUpperCase()}_${suffix.toUpperCase()}`;
  const subjectPrefix = `${environment.eventsSubjectPrefix}${label}${suffix}`;
  const logLines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const logger = createLogger('events-test', 'debug', sink);
  const orm = await openServiceOrm({
    databaseUrl: environment.databaseUrl,
    schema,
    entities: [Gadget, ...eventEntities],
    migrations: [{ name: '0001_gadgets', class: initialMigration(schema) }],
  });
  const nats = await connectNats(options.natsUrl ?? environment.natsUrl, `events-test-${label}`);
  if (options.createStream !== false) await ensureEventStream(nats, streamName, subjectPrefix);

  return {
    orm,
    nats,
    schema,
    streamName,
    subjectPrefix,
    logger,
    logLines,
    async close() {
      const jsm = await jetstreamManager(nats);
      await jsm.streams.delete(streamName).catch(() => false);
      await nats.close();
      await orm.close(true);
    },
  };
}

export async function streamMessageCount(nats: NatsConnection, streamName: string): Promise<number> {
  const jsm = await jetstreamManager(nats);
  return (await jsm.streams.info(streamName)).state.messages;
}
