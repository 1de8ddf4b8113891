import type { EntityManager } from '@mikro-orm/postgresql';
import { AuthServiceService } from '#gen/egp/auth/v1/auth_service';
import { ProfileDataServiceService, type ProfileDataServiceServer } from '#gen/egp/profile_data/v1/profile_data_service';
import { openServiceOrm, translateDbError, watchDatabase } from '#libs/db';
import { connectNats, ensureEventStream, EventConsumer, OutboxRelay } from '#libs/events';
import { createGrpcClient, GrpcServer } from '#libs/grpc';
import { AssertionSigner } from '#libs/identity';
import type { Logger } from '#libs/logging';
import type { ProfileDataConfig } from './config.ts';
import { profileDataEntities } from './db/entities/index.ts';
import { profileDataMigrations } from './db/migrations/index.ts';
import { accountEventHandler, ACCOUNT_EVENT_TYPES } from './events/account-events.ts';
import { authAccounts } from './grpc/auth-accounts.ts';
import { profileHandlers } from './grpc/profile-handlers.ts';

export const SERVICE = 'profile-data';

export interface RunningService {
  port: number;
  stop(): Promise<void>;
}

/** The profile-data service's composition root. */
export async function startProfileDataService(config: Readonly<ProfileDataConfig>, logger: Logger): Promise<RunningService> {
  const assertions = new AssertionSigner(config.INTERNAL_AUTH_SECRET);
  const orm = await openServiceOrm({ databaseUrl: config.DATABASE_URL, schema: 'profile_data', entities: profileDataEntities, migrations: profileDataMigrations, logger });
  const em = orm.em as unknown as EntityManager;
  const nats = await connectNats(config.NATS_URL, SERVICE);
  await ensureEventStream(nats, config.EVENTS_STREAM, config.EVENTS_SUBJECT_PREFIX);
  const relay = new OutboxRelay({ orm, nats, streamName: config.EVENTS_STREAM, subjectPrefix: config.EVENTS_SUBJECT_PREFIX, logger, retentionMs: config.OUTBOX_RETENTION_HOURS * 3_600_000, pollIntervalMs: config.OUTBOX_POLL_INTERVAL_MS });
  relay.start();

  const auth = createGrpcClient(AuthServiceService, { address: config.AUTH_GRPC_ADDR, caller: SERVICE, assertions, defaultTimeoutMs: config.GRPC_TIMEOUT_MS, multiplex: config.GRPC_MULTIPLEX });
  // The user view's account half, projected from auth's events (see events/account-events.ts).
  const consumer = new EventConsumer({
    orm,
    nats,
    streamName: config.EVENTS_STREAM,
    subjectPrefix: config.EVENTS_SUBJECT_PREFIX,
    durableName: 'profile-data-users',
    types: ACCOUNT_EVENT_TYPES,
    logger,
    handler: accountEventHandler(authAccounts(auth)),
  });
  await consumer.start();

  const server = new GrpcServer({ name: SERVICE, logger, assertions, shutdownGraceMs: config.SHUTDOWN_GRACE_MS, translateError: (error) => translateDbError(error) });
  server.add<ProfileDataServiceServer>(ProfileDataServiceService, profileHandlers({ em, auth }));
  const port = await server.listen(config.PROFILE_DATA_GRPC_ADDR);
  // Readiness follows the database: NOT_SERVING while it is unreachable, SERVING once back.
  const stopWatchingDatabase = watchDatabase(orm, (up) => server.health.set(up));

  return {
    port,
    async stop() {
      stopWatchingDatabase();
      await server.shutdown();
      await consumer.stop();
      await relay.stop();
      auth.close();
      await nats.drain();
      await orm.close();
    },
  };
}
