import { Server, ServerCredentials } from '@grpc/grpc-js';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HealthState } from '#libs/grpc';
import { HealthService } from '#gen/grpc/health/v1/health';
import { findFreePort } from './ports.ts';
import { waitForGrpcServing, waitForHttpOk } from './readiness.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function healthServer(port: number, health: HealthState): Promise<void> {
  const server = new Server();
  server.addService(HealthService, health.implementation());
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, ServerCredentials.createInsecure(), (error) => (error ? reject(error) : resolve())),
  );
  cleanups.push(async () => server.forceShutdown());
}

describe(waitForGrpcServing.name, () => {
  it('waits through a server that is not up yet, then not serving, until it serves', async () => {
    const port = await findFreePort();
    const health = new HealthState();
    setTimeout(() => void healthServer(port, health), 300);
    setTimeout(() => health.set(true), 700);

    await expect(waitForGrpcServing(`127.0.0.1:${port}`, { timeoutMs: 5_000, signal: new AbortController().signal })).resolves.toBeUndefined();
  });

  it('gives up with the abort reason, e.g. the child died', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('auth exited with code 1')), 200);
    const address = `127.0.0.1:${await findFreePort()}`;

    await expect(waitForGrpcServing(address, { timeoutMs: 5_000, signal: controller.signal })).rejects.toThrow('auth exited with code 1');
  });
});

describe(waitForHttpOk.name, () => {
  it('waits until the endpoint answers 200, and times out naming it otherwise', async () => {
    let ready = false;
    const server: HttpServer = createServer((_request, response) => response.writeHead(ready ? 200 : 503).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/readyz`;
    const signal = new AbortController().signal;

    await expect(waitForHttpOk(url, { timeoutMs: 300, signal })).rejects.toThrow(`${url} was not ready within 300 ms`);
    ready = true;
    await expect(waitForHttpOk(url, { timeoutMs: 2_000, signal })).resolves.toBeUndefined();
  });
});
