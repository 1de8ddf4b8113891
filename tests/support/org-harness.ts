import pg from 'pg';
import { OrgServiceService } from '#gen/egp/org/v1/org_service';
import { createGrpcClient, type AsyncClient } from '#libs/grpc';
import { AssertionSigner, type Principal } from '#libs/identity';
import { createLogger } from '#libs/logging';
import { loadOrgConfig, type OrgConfig } from '../../services/org/src/config.ts';
import { startOrgService, type RunningService } from '../../services/org/src/service.ts';
import { startAuthHarness, type AuthHarness } from './auth-harness.ts';
import { serviceEnv, uniqueEmail } from './service-env.ts';

/** A clock the test can move forward (invitation expiry) without waiting. */
export class TestClock {
  #offsetMs = 0;
  readonly now = (): Date => new Date(Date.now() + this.#offsetMs);
  advance(ms: number): void {
    this.#offsetMs += ms;
  }
}

export interface TestUser {
  userId: string;
  email: string;
  /** An access-token principal for this user. */
  principal: Principal;
}

export interface OrgHarness {
  config: Readonly<OrgConfig>;
  service: RunningService;
  client: AsyncClient<typeof OrgServiceService> & { close(): void };
  auth: AuthHarness;
  clock: TestClock;
  /** Reads the org schema directly (outbox rows, stored hashes). */
  db: pg.Client;
  /** Registers a real user with the real auth service. */
  registerUser(label?: string, email?: string): Promise<TestUser>;
  /** Registers one user per label, in parallel. */
  registerUsers<const Labels extends readonly string[]>(...labels: Labels): Promise<{ [K in keyof Labels]: TestUser }>;
  stop(): Promise<void>;
}

const PASSWORD = 'violet-anvil-73-harbor';

export const as = (principal: Principal) => ({ principal });
export const userPrincipal = (userId: string): Principal => ({ kind: 'user', userId, sessionId: 'test-session', tokenType: 'access' });
/** A token from token exchange: the user, bound to one organization. */
export const serviceTokenPrincipal = (userId: string, organizationId: string, scopes = ['members:read', 'org:admin']): Principal => ({
  kind: 'user',
  userId,
  sessionId: 'test-session',
  tokenType: 'service',
  organizationId,
  scopes,
});
export const apiKeyPrincipal = (organizationId: string, scopes: string[]): Principal => ({ kind: 'api_key', keyId: 'test-key', appId: 'test-app', organizationId, scopes });
export const internalPrincipal: Principal = { kind: 'service', service: 'auth' };
export const anonymousPrincipal: Principal = { kind: 'anonymous', ip: '203.0.113.9' };

/** Starts the real auth service and the real org service in-process, against the run's infrastructure. */
export async function startOrgHarness(overrides: Record<string, string> = {}): Promise<OrgHarness> {
  const auth = await startAuthHarness({ REGISTER_RATE_LIMIT_PER_IP_PER_HOUR: '100000' });
  const clock = new TestClock();
  const config = loadOrgConfig(serviceEnv({ ORG_GRPC_ADDR: '127.0.0.1:0', AUTH_GRPC_ADDR: `127.0.0.1:${auth.service.port}`, ...overrides }));
  const service = await startOrgService(config, createLogger('org', config.LOG_LEVEL), { now: clock.now });
  const client = createGrpcClient(OrgServiceService, { address: `127.0.0.1:${service.port}`, caller: 'test', assertions: new AssertionSigner(config.INTERNAL_AUTH_SECRET) });
  const db = new pg.Client({ connectionString: config.DATABASE_URL });
  await db.connect();
  async function registerUser(label = 'org', email = uniqueEmail(label)): Promise<TestUser> {
    const { user } = await auth.client.register({ email, password: PASSWORD }, auth.anonymous());
    const userId = user?.id ?? '';
    return { userId, email, principal: userPrincipal(userId) };
  }
  return {
    config,
    service,
    client,
    auth,
    clock,
    db,
    registerUser,
    async registerUsers<const Labels extends readonly string[]>(...labels: Labels) {
      const users = await Promise.all(labels.map((label) => registerUser(label)));
      return users as { [K in keyof Labels]: TestUser };
    },
    async stop() {
      await db.end();
      client.close();
      await service.stop();
      await auth.stop();
    },
  };
}

/** Event types recorded for one organization, oldest first. */
export async function outboxTypes(db: pg.Client, organizationId: string): Promise<string[]> {
  const { rows } = await db.query<{ type: string }>("select type from org.outbox_events where payload->>'organization_id' = $1 order by created_at, id", [organizationId]);
  return rows.map((row) => row.type);
}
