import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnvironment } from '#libs/testing';
import { startAuthHarness, type AuthHarness } from '../support/auth-harness.ts';
import { uniqueEmail } from '../support/service-env.ts';
import { TcpProxy } from '../support/tcp-proxy.ts';

const password = 'violet-anvil-73-harbor';

describe('auth brute-force defence (real Redis)', () => {
  let sut: AuthHarness;
  let redisProxy: TcpProxy;

  beforeAll(async () => {
    redisProxy = new TcpProxy(testEnvironment().redisUrl);
    const address = await redisProxy.start();
    sut = await startAuthHarness({
      REDIS_URL: `redis://${address}`,
      LOGIN_MAX_ATTEMPTS_PER_ACCOUNT_IP: '5',
      LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: '8',
      LOGIN_BLOCK_BASE_SECONDS: '2',
      LOGIN_ACCOUNT_BLOCK_SECONDS: '3',
      LOGIN_RATE_LIMIT_PER_IP_PER_MINUTE: '1000',
    });
  });
  afterAll(async () => {
    await sut.stop();
    await redisProxy.stop();
  });

  const login = (email: string, pw: string, ip: string) => sut.client.login({ email, password: pw }, sut.anonymous(ip)).catch((error: unknown) => error as { code: string; retryAfterSeconds?: number });

  it('checks no more than the threshold of sixty parallel wrong passwords', async () => {
    const email = uniqueEmail('burst');
    await sut.client.register({ email, password }, sut.anonymous('192.0.2.50'));
    const outcomes = await Promise.all(Array.from({ length: 60 }, (_, i) => login(email, `wrong-password-${i}`, '192.0.2.60')));
    const codes = outcomes.map((outcome) => (outcome as { code: string }).code);
    expect(codes.filter((code) => code === 'UNAUTHENTICATED')).toHaveLength(5);
    expect(codes.filter((code) => code === 'RATE_LIMITED')).toHaveLength(55);
    const limited = outcomes.find((outcome) => (outcome as { code: string }).code === 'RATE_LIMITED') as { retryAfterSeconds?: number };
    expect(limited.retryAfterSeconds).toBeGreaterThan(0);
    // Even the right password is refused while the pair is blocked.
    await expect(login(email, password, '192.0.2.60')).resolves.toMatchObject({ code: 'RATE_LIMITED', rateLimit: 5 });
  });

  it('blocks the pair before the account, and the account block is time-boxed', async () => {
    const email = uniqueEmail('acct');
    await sut.client.register({ email, password }, sut.anonymous('192.0.2.51'));
    for (let i = 0; i < 5; i += 1) await expect(login(email, 'nope-nope-nope', '198.51.100.20')).resolves.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(login(email, 'nope-nope-nope', '198.51.100.20')).resolves.toMatchObject({ code: 'RATE_LIMITED' });
    // Another address still gets its own attempts until the higher account-wide limit trips.
    for (let i = 0; i < 3; i += 1) await expect(login(email, 'nope-nope-nope', '198.51.100.21')).resolves.toMatchObject({ code: 'UNAUTHENTICATED' });
    const tripped = await login(email, 'nope-nope-nope', '198.51.100.22');
    // The refusal names the limit that tripped (the gateway's RateLimit-Limit): the account's 8.
    expect(tripped).toMatchObject({ code: 'RATE_LIMITED', rateLimit: 8 });
    expect((tripped as { retryAfterSeconds: number }).retryAfterSeconds).toBeLessThanOrEqual(3);
    await new Promise((resolve) => setTimeout(resolve, 3_200));
    await expect(login(email, password, '198.51.100.23')).resolves.toMatchObject({ user: { email } });
  });

  it('answers a wrong password after a block the same way as any wrong password', async () => {
    const email = uniqueEmail('after');
    await sut.client.register({ email, password }, sut.anonymous('192.0.2.52'));
    for (let i = 0; i < 6; i += 1) await login(email, 'nope-nope-nope', '203.0.113.30');
    await new Promise((resolve) => setTimeout(resolve, 2_200));
    const afterBlock = await login(email, 'nope-nope-nope', '203.0.113.30');
    const unknown = await login(uniqueEmail('ghost'), 'nope-nope-nope', '203.0.113.31');
    expect(afterBlock).toMatchObject({ code: 'UNAUTHENTICATED', message: 'Invalid email or password.' });
    expect(unknown).toMatchObject({ code: 'UNAUTHENTICATED', message: 'Invalid email or password.' });
  });

  it('fails closed with UNAVAILABLE while Redis is unreachable, and recovers', async () => {
    const email = uniqueEmail('down');
    await sut.client.register({ email, password }, sut.anonymous('192.0.2.53'));
    redisProxy.cut();
    await expect(login(email, password, '192.0.2.54')).resolves.toMatchObject({ code: 'UNAVAILABLE' });
    redisProxy.restore();
    await expect.poll(async () => (await login(email, password, '192.0.2.54')), { timeout: 10_000, interval: 250 }).toMatchObject({ user: { email } });
  });
});
