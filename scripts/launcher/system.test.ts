import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { Component, ServiceComponent } from './components.ts';
import { startSystem, type RunningSystem, type StartSystemOptions } from './system.ts';

const standIn = 'scripts/launcher/fixtures/stand-in.ts';
const auth: ServiceComponent = { name: 'auth', entry: standIn, args: ['service', 'AUTH_GRPC_ADDR'], addressVariable: 'AUTH_GRPC_ADDR' };
const org: ServiceComponent = { name: 'org', entry: standIn, args: ['service', 'ORG_GRPC_ADDR'], addressVariable: 'ORG_GRPC_ADDR' };
const gateway: Component = { name: 'gateway', entry: standIn, args: ['gateway'] };

const running: RunningSystem[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((system) => system.stop()));
});

function options(services: ServiceComponent[]): { lines: string[]; options: StartSystemOptions } {
  const lines: string[] = [];
  const stdio = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  // randomPorts: a developer's `npm start` may be running beside the tests.
  return { lines, options: { stdio, randomPorts: true, devSecretsFile: null, components: { services, gateway } } };
}

describe(startSystem.name, () => {
  it('starts services then the gateway, shares one environment, and stops cleanly', async () => {
    const { lines, options: given } = options([auth, org]);
    const sut = await startSystem(given);
    running.push(sut);

    expect(sut.url).toBe(`http://localhost:${sut.env.PORT}`);
    const body = (await (await fetch(`http://127.0.0.1:${sut.env.PORT}/readyz`)).json()) as { auth: string };
    expect(body.auth).toBe(sut.env.AUTH_GRPC_ADDR);
    expect(sut.env.INTERNAL_AUTH_SECRET?.length).toBeGreaterThanOrEqual(32);
    expect(lines).toContain(`auth     | serving on ${sut.env.AUTH_GRPC_ADDR}`);
    expect(lines.findIndex((line) => line.startsWith('gateway'))).toBeGreaterThan(lines.findIndex((line) => line.startsWith('org')));
    expect(Object.keys(sut.pids()).sort()).toEqual(['auth', 'gateway', 'org']);

    await expect(sut.stop()).resolves.toEqual({ crashed: false });
  });

  it('rejects with the reason when a service dies during start-up, stopping the others', async () => {
    const broken: ServiceComponent = { ...org, args: ['broken'] };
    const { options: given } = options([auth, broken]);

    await expect(startSystem(given)).rejects.toThrow(/org exited with code 2\nlast output:\norg +\| INTERNAL_AUTH_SECRET: must be/);
  });

  it('stops everything and reports the culprit when a component dies later', async () => {
    const { options: given } = options([auth]);
    const sut = await startSystem(given);
    running.push(sut);

    await fetch(`http://127.0.0.1:${sut.env.PORT}/crash`, { method: 'POST' }).catch(() => undefined);

    await expect(sut.exited).resolves.toMatchObject({ crashed: true, exit: { name: 'gateway', code: 1 } });
  });
});
