import { credentials, Server, ServerCredentials, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { HealthClient, HealthService, type HealthCheckResponse } from '#gen/grpc/health/v1/health';
import { HealthState } from './health.ts';

const SERVING = 1;
const NOT_SERVING = 2;
const SERVICE_UNKNOWN = 3;

describe(HealthState.name, () => {
  const sut = new HealthState();
  const server = new Server();
  let client: HealthClient;

  beforeAll(async () => {
    server.addService(HealthService, sut.implementation());
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
    );
    client = new HealthClient(`127.0.0.1:${port}`, credentials.createInsecure());
  });
  afterAll(() => {
    client.close();
    server.forceShutdown();
  });

  const check = (service: string) =>
    new Promise<number | undefined>((resolve, reject) => client.check({ service }, (error, response) => (error ? reject(error) : resolve(response?.status))));

  it('answers Check with the status, and NOT_FOUND for a service it does not know', async () => {
    sut.set(true);
    expect(await check('')).toBe(SERVING);
    await expect(check('egp.nope.v1.Nothing')).rejects.toMatchObject({ code: GrpcStatus.NOT_FOUND } satisfies Partial<ServiceError>);
  });

  it('streams every change to a watcher until it cancels, starting with SERVICE_UNKNOWN for a name not known yet', async () => {
    const seen: number[] = [];
    const watch = client.watch({ service: 'egp.later.v1.Later' });
    watch.on('data', (response: HealthCheckResponse) => seen.push(response.status));
    watch.on('error', () => undefined);
    await vi.waitFor(() => expect(seen).toEqual([SERVICE_UNKNOWN]));
    sut.set(true, 'egp.later.v1.Later');
    sut.set(true, 'egp.later.v1.Later'); // no change, no message
    sut.set(false, 'egp.later.v1.Later');
    await vi.waitFor(() => expect(seen).toEqual([SERVICE_UNKNOWN, SERVING, NOT_SERVING]));
    watch.cancel();
  });

  it('ends every Watch when told to, so a shutting-down server is not held up by one', async () => {
    const watch = client.watch({ service: '' });
    const ended = new Promise<void>((resolve) => watch.on('end', () => resolve()));
    const watching = new Promise<void>((resolve) => watch.once('data', () => resolve()));
    watch.on('error', () => undefined);
    await watching;
    sut.endWatches();
    await ended;
  });
});
