import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '#libs/errors';
import { AssertionSigner } from '#libs/identity';
import { createLogger } from '#libs/logging';
import { LogCapture } from '#libs/testing';
import { AuthServiceService, type AuthServiceServer } from '#gen/egp/auth/v1/auth_service';
import { createGrpcClient } from './client.ts';
import { writeSecurityEvent } from './security-events.ts';
import { GrpcServer } from './server.ts';

const secret = 's'.repeat(32);
const unused = async (): Promise<never> => Promise.reject(AppError.internal());

describe(writeSecurityEvent.name, () => {
  const logs = new LogCapture();
  const sut = new GrpcServer({ name: 'auth', logger: createLogger('test', 'info', logs), assertions: new AssertionSigner(secret) });
  let address = '';

  beforeAll(async () => {
    sut.add<AuthServiceServer>(AuthServiceService, {
      getUser: async ({ userId }: { userId: string }) => {
        if (userId === 'admin-only') throw AppError.forbidden('Only an ADMIN may do this.');
        if (userId === 'hidden') throw AppError.notFound('Organization');
        return { user: { id: userId, email: '', displayName: '', wallets: [], createdAt: '', updatedAt: '' } };
      },
      ...Object.fromEntries(['register', 'login', 'refresh', 'logout', 'changePassword', 'listSessions', 'revokeSessions', 'rotateSigningKeys', 'endSessions', 'exchangeToken', 'getJwks'].map((rpc) => [rpc, unused])),
    } as unknown as Parameters<typeof sut.add<AuthServiceServer>>[1]);
    address = `127.0.0.1:${await sut.listen('127.0.0.1:0')}`;
  });
  afterAll(() => sut.shutdown());

  const member = { kind: 'user', userId: 'u-1', sessionId: 's-1', tokenType: 'service', organizationId: 'o-1', ip: '192.0.2.7' } as const;

  it.each([false, true])('logs a refused known caller as access.denied (multiplexed: %s), and nothing for a hidden tenant or a success', async (multiplex) => {
    const client = createGrpcClient(AuthServiceService, { address, caller: 'test', assertions: new AssertionSigner(secret), multiplex });
    try {
      logs.lines.length = 0;
      await expect(client.getUser({ userId: 'admin-only' }, { principal: member })).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(client.getUser({ userId: 'hidden' }, { principal: member })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await client.getUser({ userId: 'fine' }, { principal: member });
      expect(logs.lines.filter((line) => line.log === 'security')).toEqual([
        expect.objectContaining({
          level: 'warn',
          event: 'access.denied',
          reason: 'Only an ADMIN may do this.',
          rpc: 'auth.getUser',
          principal: 'user',
          user_id: 'u-1',
          session_id: 's-1',
          token_type: 'service',
          organization_id: 'o-1',
        }),
      ]);
    } finally {
      client.close();
    }
  });

  it('logs a call whose internal assertion does not verify as internal_call.refused', async () => {
    const forger = createGrpcClient(AuthServiceService, { address, caller: 'intruder', assertions: new AssertionSigner('x'.repeat(32)) });
    try {
      logs.lines.length = 0;
      await expect(forger.getUser({ userId: 'fine' }, { principal: { kind: 'service', service: 'org' } })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
      expect(logs.events('internal_call.refused')).toEqual([expect.objectContaining({ level: 'warn', rpc: 'auth.getUser', reason: 'Invalid internal assertion.' })]);
    } finally {
      forger.close();
    }
  });
});
