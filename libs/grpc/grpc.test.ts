import { credentials, Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentDeadline } from '#libs/deadline';
import { AppError } from '#libs/errors';
import { AssertionSigner } from '#libs/identity';
import { createLogger } from '#libs/logging';
import { AuthServiceClient, AuthServiceService, type AuthServiceServer } from '#gen/egp/auth/v1/auth_service';
import { HealthClient } from '#gen/grpc/health/v1/health';
import { createGrpcClient } from './client.ts';
import { GrpcServer } from './server.ts';

const assertions = new AssertionSigner('s'.repeat(32));
const logger = createLogger('test', 'silent');
const unimplemented = async (): Promise<never> => Promise.reject(AppError.internal());

describe(GrpcServer.name, () => {
  // Stands in for translateDbError: one recognisable error becomes UNAVAILABLE.
  const translateError = (error: unknown) => (error instanceof Error && error.message === 'Connection terminated' ? AppError.unavailable() : error);
  const sut = new GrpcServer({ name: 'auth', logger, assertions, translateError });
  let address = '';

  beforeAll(async () => {
    sut.add<AuthServiceServer>(AuthServiceService, {
      getUser: async ({ userId }, { principal }) => {
        if (userId === 'missing') throw AppError.notFound('User');
        if (userId === 'boom') throw new Error('db password is hunter2');
        if (userId === 'db-down') throw new Error('Connection terminated');
        if (userId === 'invalid') throw AppError.validation('Bad.', [{ field: 'user_id', message: 'nope' }]);
        if (userId === 'limited') throw new AppError('RATE_LIMITED', 'Slow down.', { retryAfterSeconds: 42, rateLimit: 5 });
        // What the database's commit guard will see as this call's deadline.
        if (userId === 'deadline') return { user: { id: String(currentDeadline()?.getTime()), email: '', displayName: '', wallets: [], createdAt: '', updatedAt: '' } };
        return { user: { id: principal.kind, email: '', displayName: '', wallets: [], createdAt: '', updatedAt: '' } };
      },
      register: unimplemented,
      login: unimplemented,
      refresh: unimplemented,
      logout: unimplemented,
      changePassword: unimplemented,
      listSessions: unimplemented,
      revokeSessions: unimplemented,
      rotateSigningKeys: unimplemented,
      endSessions: unimplemented,
      exchangeToken: unimplemented,
      getJwks: async () => ({ keys: [] }),
    });
    address = `127.0.0.1:${await sut.listen('127.0.0.1:0')}`;
  });
  afterAll(() => sut.shutdown());

  describe.each([{ transport: 'unary calls', multiplex: false }, { transport: 'a multiplexed stream', multiplex: true }])('over $transport', ({ multiplex }) => {
    it('passes the verified principal to the handler', async () => {
      const client = createGrpcClient(AuthServiceService, { address, caller: 'test', assertions, multiplex });
      const response = await client.getUser({ userId: 'x' }, { principal: { kind: 'service', service: 'test' } });
      expect(response.user?.id).toBe('service');
      client.close();
    });

    it('carries AppError kind, code, fields and rate-limit figures across the hop, hiding internals', async () => {
      const client = createGrpcClient(AuthServiceService, { address, caller: 'test', assertions, multiplex });
      const principal = { kind: 'anonymous' } as const;
      await expect(client.getUser({ userId: 'missing' }, { principal })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(client.getUser({ userId: 'invalid' }, { principal })).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        fields: [{ field: 'user_id', message: 'nope' }],
      });
      await expect(client.getUser({ userId: 'limited' }, { principal })).rejects.toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 42, rateLimit: 5 });
      const internal = await client.getUser({ userId: 'boom' }, { principal }).catch((error: unknown) => error);
      expect(internal).toMatchObject({ code: 'INTERNAL' });
      expect(String((internal as AppError).message)).not.toContain('hunter2');
      client.close();
    });

    it("runs the handler within the caller's deadline", async () => {
      const client = createGrpcClient(AuthServiceService, { address, caller: 'test', assertions, multiplex, defaultTimeoutMs: 60_000 });
      const sent = Date.now();
      const response = await client.getUser({ userId: 'deadline' }, { principal: { kind: 'anonymous' } });
      expect(Math.abs(Number(response.user?.id) - (sent + 60_000))).toBeLessThan(2_000);
      client.close();
    });

    it('passes every handler error through translateError before it becomes a status', async () => {
      const client = createGrpcClient(AuthServiceService, { address, caller: 'test', assertions, multiplex });
      await expect(client.getUser({ userId: 'db-down' }, { principal: { kind: 'anonymous' } })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
      client.close();
    });
  });

  it('refuses a call with forged identity metadata and no valid assertion', async () => {
    const raw = new AuthServiceClient(address, credentials.createInsecure());
    const metadata = new Metadata();
    metadata.set('x-user-id', 'admin');
    metadata.set('x-egp-assertion', 'forged.assertion.value');
    const code = await new Promise<number | undefined>((resolve) => {
      raw.getUser({ userId: 'x' }, metadata, (error) => resolve(error?.code));
    });
    expect(code).toBe(GrpcStatus.UNAUTHENTICATED);
    const forged = await new AssertionSigner('f'.repeat(32)).sign({ kind: 'service', service: 'org' }, 'evil');
    const forgedMetadata = new Metadata();
    forgedMetadata.set('x-egp-assertion', forged);
    const forgedCode = await new Promise<number | undefined>((resolve) => {
      raw.getUser({ userId: 'x' }, forgedMetadata, (error) => resolve(error?.code));
    });
    expect(forgedCode).toBe(GrpcStatus.UNAUTHENTICATED);
    raw.close();
  });

  it('answers the standard health check', async () => {
    const health = new HealthClient(address, credentials.createInsecure());
    const status = await new Promise<number | undefined>((resolve, reject) => {
      health.check({ service: '' }, (error, response) => (error ? reject(error) : resolve(response?.status)));
    });
    expect(status).toBe(1);
    health.close();
  });

  it.each([false, true])('always sets a deadline (multiplex: %s)', async (multiplex) => {
    const client = createGrpcClient(AuthServiceService, { address: '127.0.0.1:1', caller: 'test', assertions, defaultTimeoutMs: 200, multiplex });
    const started = Date.now();
    await expect(client.getJwks({}, { principal: { kind: 'anonymous' } })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(Date.now() - started).toBeLessThan(5_000);
    client.close();
  });
});
