import type { EntityManager } from '@mikro-orm/postgresql';
import { AuthServiceService } from '#gen/egp/auth/v1/auth_service';
import { OrgServiceService, type OrgServiceServer } from '#gen/egp/org/v1/org_service';
import { openServiceOrm, translateDbError, watchDatabase } from '#libs/db';
import { connectNats, ensureEventStream, OutboxRelay } from '#libs/events';
import { createGrpcClient, GrpcServer } from '#libs/grpc';
import { AssertionSigner } from '#libs/identity';
import type { Logger } from '#libs/logging';
import type { OrgConfig } from './config.ts';
import { orgEntities } from './db/entities/index.ts';
import { orgMigrations } from './db/migrations/index.ts';
import { orgHandlers } from './grpc/org-handlers.ts';

export const SERVICE = 'org';

export interface RunningService {
  port: number;
  stop(): Promise<void>;
}

export interface OrgServiceOverrides {
  /** The domain's clock; tests move it to expire invitations. */
  now?: () => Date;
}

/** The org service's composition root: connects its dependencies and serves gRPC. */
export async function startOrgService(config: Readonly<OrgConfig>, logger: Logger, overrides: OrgServiceOverrides = {}): Promise<RunningService> {
  const assertions = new AssertionSigner(config.INTERNAL_AUTH_SECRET);
  const orm = await openServiceOrm({ databaseUrl: config.DATABASE_URL, schema: SERVICE, entities: orgEntities, migrations: orgMigrations, logger });
  const em = orm.em as unknown as EntityManager;
  const nats = await connectNats(config.NATS_URL, SERVICE);
  await ensureEventStream(nats, config.EVENTS_STREAM, config.EVENTS_SUBJECT_PREFIX);
  const relay = new OutboxRelay({ orm, nats, streamName: config.EVENTS_STREAM, subjectPrefix: config.EVENTS_SUBJECT_PREFIX, logger, retentionMs: config.OUTBOX_RETENTION_HOURS * 3_600_000, pollIntervalMs: config.OUTBOX_POLL_INTERVAL_MS });
  relay.start();

  const auth = createGrpcClient(AuthServiceService, { address: config.AUTH_GRPC_ADDR, caller: SERVICE, assertions, defaultTimeoutMs: config.GRPC_TIMEOUT_MS, multiplex: config.GRPC_MULTIPLEX });
  const domain = { em, now: overrides.now ?? (() => new Date()), afterCommit: () => relay.notify() };
  const invitations = { ttlSeconds: config.INVITATION_TTL_SECONDS, acceptUrl: config.INVITATION_ACCEPT_URL };

  const server = new GrpcServer({ name: SERVICE, logger, assertions, shutdownGraceMs: config.SHUTDOWN_GRACE_MS, translateError: (error) => translateDbError(error) });
  server.add<OrgServiceServer>(OrgServiceService, orgHandlers({ domain, invitations, auth }));
  const port = await server.listen(config.ORG_GRPC_ADDR);
  // Readiness follows the database: NOT_SERVING while it is unreachable, SERVING once back.
  const stopWatchingDatabase = watchDatabase(orm, (up) => server.health.set(up));

  return {
    port,
    async stop() {
      stopWatchingDatabase();
      await server.shutdown();
      await relay.stop();
      auth.close();
      await nats.drain();
      await orm.close();
    },
  };
}
