import { JetStreamApiCodes, JetStreamApiError, jetstreamManager, RetentionPolicy, StorageType, type StreamInfo } from '@nats-io/jetstream';
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import type { EventType } from './catalog.ts';

/** How long JetStream remembers a `Nats-Msg-Id`: a relay retry within it is dropped as a duplicate. */
export const DUPLICATE_WINDOW_MS = 2 * 60 * 1000;
/** Events are an integration log, not an archive: consumers catch up within days, not months. */
export const MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

/** A NATS connection that keeps reconnecting for as long as the process lives. */
export async function connectNats(url: string, name: string): Promise<NatsConnection> {
  return connect({
    servers: url.split(',').map((server) => server.trim()),
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1000,
    pingInterval: 10_000,
  });
}

/** The NATS subject an event of `type` is published on. */
export function eventSubject(subjectPrefix: string, type: EventType): string {
  return `${subjectPrefix}.${type}`;
}

/**
 * Creates the events stream, or brings an existing one to the expected subjects and
 * duplicate window. Safe to call from every replica at start-up.
 */
export async function ensureEventStream(nc: NatsConnection, streamName: string, subjectPrefix: string): Promise<StreamInfo> {
  const jsm = await jetstreamManager(nc);
  const subjects = [`${subjectPrefix}.>`];
  const wanted = { subjects, duplicate_window: nanos(DUPLICATE_WINDOW_MS) };
  try {
    const info = await jsm.streams.info(streamName);
    const same = info.config.subjects.join() === subjects.join() && info.config.duplicate_window === wanted.duplicate_window;
    return same ? info : await jsm.streams.update(streamName, { ...info.config, ...wanted });
  } catch (error) {
    if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound)) throw error;
  }
  try {
    return await jsm.streams.add({
      name: streamName,
      ...wanted,
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      max_age: nanos(MAX_AGE_MS),
    });
  } catch (error) {
    // Another replica created it between our lookup and our create.
    const existing = await jsm.streams.info(streamName).catch(() => undefined);
    if (existing) return existing;
    throw error;
  }
}
