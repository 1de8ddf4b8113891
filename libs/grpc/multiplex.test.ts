import { credentials, Server, ServerCredentials, status as GrpcStatus, type ServerDuplexStream } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '#libs/errors';
import { AssertionSigner } from '#libs/identity';
import { createLogger } from '#libs/logging';
import { AuthServiceService, type AuthServiceServer } from '#gen/egp/auth/v1/auth_service';
import { MultiplexServiceClient, MultiplexServiceService, type ExchangeRequest, type ExchangeResponse } from '#gen/egp/transport/v1/multiplex_service';
import { createGrpcClient } from './client.ts';
import { notRunFrame, okFrame } from './multiplex-frames.ts';
import { GrpcServer } from './server.ts';

const assertions = new AssertionSigner('m'.repeat(32));
const logger = createLogger('test', 'silent');
const unused = async (): Promise<never> => Promise.reject(AppError.internal());
const anonymous = { principal: { kind: 'anonymous' } } as const;

type GetUser = (userId: string) => Promise<string>;

/** An auth-shaped server whose getUser answers with whatever `answer` resolves for the id. */
async function startServer(answer: GetUser, port = 0) {
  const server = new GrpcServer({ name: 'auth', logger, assertions, shutdownGraceMs: 2_000 });
  server.add<AuthServiceServer>(AuthServiceService, {
    getUser: async ({ userId }) => ({ user: { id: await answer(userId), email: '', displayName: '', wallets: [], createdAt: '', updatedAt: '' } }),
    register: unused,
    login: unused,
    refresh: unused,
    logout: unused,
    changePassword: unused,
    listSessions: unused,
    revokeSessions: unused,
    rotateSigningKeys: unused,
    endSessions: unused,
    exchangeToken: unused,
    getJwks: unused,
  });
  const bound = await server.listen(`127.0.0.1:${port}`);
  return { server, port: bound, address: `127.0.0.1:${bound}` };
}

function client(address: string, defaultTimeoutMs = 5_000) {
  return createGrpcClient(AuthServiceService, { address, caller: 'test', assertions, defaultTimeoutMs, multiplex: true });
}

/** Sends raw frames on one Exchange stream and collects the answers. */
async function exchangeRaw(address: string, frames: { callId: number; method: string; assertion: string }[]): Promise<ExchangeResponse[]> {
  const raw = new MultiplexServiceClient(address, credentials.createInsecure());
  const stream = raw.exchange();
  const answers: ExchangeResponse[] = [];
  const done = new Promise<void>((resolve, reject) => {
    stream.on('data', (frame: ExchangeResponse) => {
      answers.push(frame);
      if (answers.length === frames.length) resolve();
    });
    stream.on('error', reject);
  });
  for (const frame of frames) stream.write({ ...frame, payload: Buffer.alloc(0), requestId: '', deadlineUnixMs: 0 });
  await done;
  stream.end();
  raw.close();
  return answers;
}

describe('multiplexed calls', () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('matches many concurrent answers to their calls on one stream', async () => {
    const { server, address } = await startServer(async (id) => {
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20));
      return `echo-${id}`;
    });
    const sut = client(address);
    cleanups.push(() => server.shutdown(), () => sut.close());
    const ids = Array.from({ length: 200 }, (_, index) => `user-${index}`);
    const answers = await Promise.all(ids.map((userId) => sut.getUser({ userId }, anonymous)));
    expect(answers.map((answer) => answer.user?.id)).toEqual(ids.map((id) => `echo-${id}`));
  });

  it('answers small calls while a large answer is on the same stream', async () => {
    const { server, address } = await startServer(async (id) => (id === 'big' ? 'x'.repeat(2 * 1024 * 1024) : id));
    const sut = client(address);
    cleanups.push(() => server.shutdown(), () => sut.close());
    const big = sut.getUser({ userId: 'big' }, anonymous);
    const small = await Promise.all(Array.from({ length: 50 }, (_, index) => sut.getUser({ userId: `u${index}` }, anonymous)));
    expect(small.map((answer) => answer.user?.id)).toEqual(Array.from({ length: 50 }, (_, index) => `u${index}`));
    expect((await big).user?.id).toHaveLength(2 * 1024 * 1024);
  });

  it('checks every frame\'s assertion and refuses unknown methods', async () => {
    const { server, address } = await startServer(async (id) => id);
    cleanups.push(() => server.shutdown());
    const forged = await new AssertionSigner('f'.repeat(32)).sign({ kind: 'service', service: 'org' }, 'evil');
    const valid = await assertions.sign({ kind: 'anonymous' }, 'test');
    const answers = await exchangeRaw(address, [
      { callId: 1, method: AuthServiceService.getUser.path, assertion: forged },
      { callId: 2, method: AuthServiceService.getUser.path, assertion: '' },
      { callId: 3, method: '/egp.auth.v1.AuthService/DropTables', assertion: valid },
      { callId: 4, method: AuthServiceService.getUser.path, assertion: valid },
    ]);
    const byId = new Map(answers.map((answer) => [answer.callId, answer]));
    expect(byId.get(1)).toMatchObject({ status: GrpcStatus.UNAUTHENTICATED });
    expect(byId.get(2)).toMatchObject({ status: GrpcStatus.UNAUTHENTICATED });
    expect(byId.get(3)).toMatchObject({ status: GrpcStatus.UNIMPLEMENTED });
    expect(byId.get(4)).toMatchObject({ status: GrpcStatus.OK });
  });

  it('fails a call past its deadline without disturbing the stream', async () => {
    const { server, address } = await startServer(async (id) => {
      if (id === 'slow') await new Promise((resolve) => setTimeout(resolve, 1_000));
      return id;
    });
    const sut = client(address, 100);
    cleanups.push(() => server.shutdown(), () => sut.close());
    await expect(sut.getUser({ userId: 'slow' }, anonymous)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect((await sut.getUser({ userId: 'quick' }, anonymous)).user?.id).toBe('quick');
  });

  it('lets calls in flight finish on shutdown, then reconnects to a new server', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = await startServer(async (id) => {
      if (id === 'held') await held;
      return `first-${id}`;
    });
    const sut = client(first.address);
    cleanups.push(() => sut.close());
    const inFlight = sut.getUser({ userId: 'held' }, anonymous);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const stopped = first.server.shutdown();
    release();
    expect((await inFlight).user?.id).toBe('first-held');
    await stopped;

    const second = await startServer(async (id) => `second-${id}`, first.port);
    cleanups.push(() => second.server.shutdown());
    const answer = await sut.getUser({ userId: 'x' }, { ...anonymous, idempotent: true });
    expect(answer.user?.id).toBe('second-x');
  });

  it('marks calls refused while draining as not run, and any call so refused is sent again', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const draining = await startServer(async (id) => {
      if (id === 'held') await held;
      return id;
    });
    const holder = client(draining.address);
    cleanups.push(() => holder.close());
    const inFlight = holder.getUser({ userId: 'held' }, anonymous);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const stopped = draining.server.shutdown();
    const [refused] = await exchangeRaw(draining.address, [{ callId: 1, method: '/egp.auth.v1.AuthService/GetUser', assertion: '' }]);
    expect(refused).toMatchObject({ status: GrpcStatus.UNAVAILABLE, notRun: true });
    release();
    await inFlight;
    await stopped;

    // A server that refuses the first frame unrun: the caller sends even a non-idempotent call again.
    let frames = 0;
    const flaky = new Server();
    flaky.addService(MultiplexServiceService, {
      exchange: (call: ServerDuplexStream<ExchangeRequest, ExchangeResponse>) => {
        call.on('data', (frame: ExchangeRequest) => {
          frames += 1;
          const user = { id: 'second-try', email: '', displayName: '', wallets: [], createdAt: '', updatedAt: '' };
          call.write(frames === 1 ? notRunFrame(frame.callId) : okFrame(frame.callId, AuthServiceService.getUser.responseSerialize({ user })));
        });
        call.on('end', () => call.end());
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      flaky.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
    );
    const sut = client(`127.0.0.1:${port}`);
    cleanups.push(() => flaky.forceShutdown(), () => sut.close());
    expect((await sut.getUser({ userId: 'x' }, anonymous)).user?.id).toBe('second-try');
    expect(frames).toBe(2);
  });

  it('falls back to unary calls for a server without MultiplexService', async () => {
    const plain = new Server();
    plain.addService(AuthServiceService, {
      getUser: (_call: unknown, callback: (error: null, response: unknown) => void) =>
        callback(null, { user: { id: 'from-unary', email: '', displayName: '', wallets: [], createdAt: '', updatedAt: '' } }),
    });
    const port = await new Promise<number>((resolve, reject) =>
      plain.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
    );
    const sut = client(`127.0.0.1:${port}`);
    cleanups.push(() => plain.forceShutdown(), () => sut.close());
    expect((await sut.getUser({ userId: 'x' }, anonymous)).user?.id).toBe('from-unary');
    expect((await sut.getUser({ userId: 'y' }, anonymous)).user?.id).toBe('from-unary');
  });
});
