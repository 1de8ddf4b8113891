import { credentials, Metadata } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthCheckResponse_ServingStatus as ServingStatus, HealthClient } from '#gen/grpc/health/v1/health';
import { testEnvironment } from '#libs/testing';
import { startAuthHarness, type AuthHarness } from '../support/auth-harness.ts';
import { uniqueEmail } from '../support/service-env.ts';
import { TcpProxy } from '../support/tcp-proxy.ts';

const password = 'violet-anvil-73-harbor';

describe('a service whose database goes away (real Postgres behind a TCP proxy)', () => {
  let sut: AuthHarness;
  let postgresProxy: TcpProxy;
  let health: HealthClient;

  beforeAll(async () => {
    const databaseUrl = new URL(testEnvironment().databaseUrl);
    postgresProxy = new TcpProxy(databaseUrl.href);
    databaseUrl.host = await postgresProxy.start();
    sut = await startAuthHarness({ DATABASE_URL: databaseUrl.href });
    health = new HealthClient(`127.0.0.1:${sut.service.port}`, credentials.createInsecure());
  });
  afterAll(async () => {
    health.close();
    await sut.stop();
    await postgresProxy.stop();
  });

  const servingStatus = () =>
    new Promise<number>((resolve, reject) => {
      health.check({ service: '' }, new Metadata(), { deadline: Date.now() + 2_000 }, (error, response) => (error ? reject(error) : resolve(response.status)));
    });
  const login = (email: string) => sut.client.login({ email, password }, sut.anonymous('192.0.2.90')).catch((error: unknown) => error as { code: string });

  it('answers UNAVAILABLE and reports NOT_SERVING while the database is unreachable, then recovers', async () => {
    const email = uniqueEmail('dbdown');
    await sut.client.register({ email, password }, sut.anonymous('192.0.2.89'));
    expect(await servingStatus()).toBe(ServingStatus.SERVING);

    postgresProxy.cut();
    await expect(login(email)).resolves.toMatchObject({ code: 'UNAVAILABLE' });
    await expect.poll(servingStatus, { timeout: 10_000, interval: 250 }).toBe(ServingStatus.NOT_SERVING);

    postgresProxy.restore();
    await expect.poll(servingStatus, { timeout: 10_000, interval: 250 }).toBe(ServingStatus.SERVING);
    await expect.poll(async () => login(email), { timeout: 10_000, interval: 250 }).toMatchObject({ user: { email } });
  });

  it('does not count sign-ins the outage kept from being checked: no block once it is over', async () => {
    const email = uniqueEmail('dbdown-retries');
    await sut.client.register({ email, password }, sut.anonymous('192.0.2.91'));
    postgresProxy.cut();
    try {
      // More tries than the per-account+address limit (5), as a user retrying through an outage would.
      for (let attempt = 0; attempt < 8; attempt++) await expect(login(email)).resolves.toMatchObject({ code: 'UNAVAILABLE' });
    } finally {
      postgresProxy.restore();
    }
    await expect.poll(async () => login(email), { timeout: 10_000, interval: 250 }).toMatchObject({ user: { email } });
  });
});
