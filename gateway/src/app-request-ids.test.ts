import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app.ts';
import { connectTestRedis, startTestGateway, type TestGateway, type TestRedis } from './testing/harness.ts';
import { createSigningKey } from './testing/tokens.ts';

describe(`${createApp.name}: request ids`, () => {
  let redis: TestRedis;
  let sut: TestGateway;

  beforeAll(async () => {
    redis = await connectTestRedis();
    sut = await startTestGateway({ redis, signingKey: await createSigningKey() });
  });

  afterAll(async () => {
    await sut.close();
    await redis.close();
  });

  it('generates a UUID when the client sent none', async () => {
    const response = await fetch(`${sut.url}/healthz`);
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('echoes a sane one, also on errors', async () => {
    const response = await fetch(`${sut.url}/nowhere`, { headers: { 'X-Request-Id': 'client-abc.123_x' } });
    expect(response.headers.get('x-request-id')).toBe('client-abc.123_x');
    expect(await response.json()).toMatchObject({ request_id: 'client-abc.123_x' });
  });

  it.each([['abc_DEF-123.xyz:1'], ['trace/123'], ['q+/w=='], ['Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1'], ['x'.repeat(128)]])(
    'echoes the ids clients use (%s)',
    async (offered) => {
      const response = await fetch(`${sut.url}/healthz`, { headers: { 'X-Request-Id': offered } });
      expect(response.headers.get('x-request-id')).toBe(offered);
    },
  );

  it.each([['x'.repeat(129)], ['has space'], ['<script>'], ['a,b'], ['"quoted"'], ['back\\slash']])('replaces an unsafe one (%s)', async (offered) => {
    const response = await fetch(`${sut.url}/healthz`, { headers: { 'X-Request-Id': offered } });
    expect(response.headers.get('x-request-id')).not.toBe(offered);
  });
});
