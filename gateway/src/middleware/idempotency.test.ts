import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '#libs/errors';
import type { GatewayRedis } from '../app.ts';
import { connectTestRedis, fakeClients, startTestGateway, type TestGateway, type TestRedis } from '../testing/harness.ts';
import { createSigningKey, signAccessToken, TEST_ORGANIZATION_ID, type TestSigningKey } from '../testing/tokens.ts';
import { idempotency } from './idempotency.ts';

const memberId = '0196b6c8-0000-7000-8000-000000000002';
const otherMemberId = '0196b6c8-0000-7000-8000-000000000003';
const account = { id: '0196b6c8-0000-7000-8000-000000000001', email: 'ada@example.com', displayName: 'Ada', wallets: [], createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' };

/** A promise the test settles: holds a fake RPC open while a duplicate arrives. */
function gate() {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = () => resolve();
  });
  return { open, opened };
}

/** Redis as the app sees it, except that every idempotency key's script fails as if Redis were down. */
function refusingIdempotencyKeys(redis: TestRedis): GatewayRedis {
  return new Proxy(redis, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const keys = (args[1] as { keys?: string[] } | undefined)?.keys ?? [];
        if (property === 'eval' && keys.some((key) => key.includes(':idem:'))) return Promise.reject(new Error('The client is closed'));
        return (value as (...args: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

describe(idempotency.name, () => {
  let redis: TestRedis;
  let key: TestSigningKey;
  let sut: TestGateway;
  let brokenSut: TestGateway;
  const created: string[] = [];
  const removed: string[] = [];
  const registered: string[] = [];
  /** Names whose creation waits for the test to open their gate. */
  const gates = new Map<string, ReturnType<typeof gate> & { called: ReturnType<typeof gate> }>();
  /** Names whose next creation fails once, as a service outage would. */
  const failOnce = new Set<string>();

  const held = (name: string) => {
    const entry = { ...gate(), called: gate() };
    gates.set(name, entry);
    return entry;
  };

  beforeAll(async () => {
    redis = await connectTestRedis();
    key = await createSigningKey();
    const clients = fakeClients({
      org: {
        createOrganization: async (request) => {
          created.push(request.name);
          const waiting = gates.get(request.name);
          waiting?.called.open();
          await waiting?.opened;
          if (failOnce.delete(request.name)) throw AppError.unavailable();
          // A fresh id per call: a second creation could never pass for a replay.
          return { organization: { id: randomUUID(), name: request.name, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' } };
        },
        removeMember: async (request) => {
          removed.push(request.userId);
          return {};
        },
      },
      auth: {
        register: async (request) => {
          registered.push(request.email);
          const waiting = gates.get(request.email);
          waiting?.called.open();
          await waiting?.opened;
          return { user: account, tokens: { accessToken: 'at', refreshToken: 'rt', tokenType: 'Bearer', expiresIn: 900 } };
        },
      },
    });
    sut = await startTestGateway({ redis, signingKey: key, clients });
    brokenSut = await startTestGateway({ redis, signingKey: key, clients, appRedis: refusingIdempotencyKeys(redis) });
  });

  afterAll(async () => {
    await sut.close();
    await brokenSut.close();
    await redis.close();
  });

  const asUser = async (userId = account.id) => ({ Authorization: `Bearer ${await signAccessToken(key, { claims: { sub: userId } })}` });
  const send = async (method: string, path: string, body: unknown, headers: Record<string, string>, gateway = sut) =>
    fetch(`${gateway.url}/api/v1${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
  const createOrganization = async (name: string, idempotencyKey?: string, headers?: Record<string, string>) =>
    send('POST', '/organizations', { name }, { ...(headers ?? (await asUser())), ...(idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {}) });
  const count = (list: string[], value: string) => list.filter((entry) => entry === value).length;

  it('replays the first answer to a retry with the same key: same status, body and content type, marked, and the route runs once', async () => {
    const idempotencyKey = randomUUID();
    const first = await createOrganization('Replayed', idempotencyKey);
    const retry = await createOrganization('Replayed', idempotencyKey);
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotency-replayed')).toBeNull();
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotency-replayed')).toBe('true');
    expect(retry.headers.get('content-type')).toBe(first.headers.get('content-type'));
    expect(await retry.text()).toBe(await first.text());
    expect(retry.headers.get('x-request-id')).not.toBe(first.headers.get('x-request-id'));
    expect(count(created, 'Replayed')).toBe(1);
  });

  it('compares bodies by content: other spacing and member order are the same request', async () => {
    const headers = { ...(await asUser()), 'Idempotency-Key': randomUUID() };
    const first = await send('POST', '/organizations', '{"name":"Spaced","id":"0196b6c8-0000-7000-8000-0000000000ff"}', headers);
    const retry = await send('POST', '/organizations', '{ "id" : "0196b6c8-0000-7000-8000-0000000000ff",\n  "name": "Spaced" }', headers);
    expect([first.status, retry.status]).toEqual([201, 201]);
    expect(retry.headers.get('idempotency-replayed')).toBe('true');
    expect(count(created, 'Spaced')).toBe(1);
  });

  it('runs every request without a key, exactly as before; only keyed ones are deduplicated', async () => {
    await createOrganization('Unkeyed');
    const second = await createOrganization('Unkeyed');
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotency-replayed')).toBeNull();
    const idempotencyKey = randomUUID();
    await createOrganization('Unkeyed', idempotencyKey);
    await createOrganization('Unkeyed', idempotencyKey);
    expect(count(created, 'Unkeyed')).toBe(3);
  });

  it('refuses the key with a different body: 422 IDEMPOTENCY_KEY_REUSED, the route not run again', async () => {
    const idempotencyKey = randomUUID();
    expect((await createOrganization('First body', idempotencyKey)).status).toBe(201);
    const reused = await createOrganization('Second body', idempotencyKey);
    expect(reused.status).toBe(422);
    const problem = (await reused.json()) as { code: string; detail: string };
    expect(problem.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(problem.detail).toMatch(/different body/);
    expect(count(created, 'Second body')).toBe(0);
  });

  it('refuses the key on another method or path: 422, the route not run', async () => {
    const idempotencyKey = randomUUID();
    const headers = { ...(await asUser()), 'Idempotency-Key': idempotencyKey };
    const members = `/organizations/${TEST_ORGANIZATION_ID}/members`;
    expect((await send('DELETE', `${members}/${memberId}`, undefined, headers)).status).toBe(204);
    const otherPath = await send('DELETE', `${members}/${otherMemberId}`, undefined, headers);
    expect(otherPath.status).toBe(422);
    const problem = (await otherPath.json()) as { code: string; detail: string };
    expect(problem.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(problem.detail).toContain(`DELETE /api/v1${members}/${memberId}`);
    expect((await send('POST', '/organizations', { name: 'Other method' }, headers)).status).toBe(422);
    expect(removed).not.toContain(otherMemberId);
    expect(count(created, 'Other method')).toBe(0);
  });

  it('replays an answer without content (204) too', async () => {
    const headers = { ...(await asUser()), 'Idempotency-Key': randomUUID() };
    const path = `/organizations/${TEST_ORGANIZATION_ID}/members/${memberId}`;
    const before = count(removed, memberId);
    await send('DELETE', path, undefined, headers);
    const retry = await send('DELETE', path, undefined, headers);
    expect(retry.status).toBe(204);
    expect(retry.headers.get('idempotency-replayed')).toBe('true');
    expect(await retry.text()).toBe('');
    expect(count(removed, memberId) - before).toBe(1);
  });

  it('answers a duplicate sent while the first still runs with 409, then replays once the first is answered', async () => {
    const idempotencyKey = randomUUID();
    const slow = held('Concurrent');
    const first = createOrganization('Concurrent', idempotencyKey);
    await slow.called.opened;
    const duplicate = await createOrganization('Concurrent', idempotencyKey);
    expect(duplicate.status).toBe(409);
    expect(duplicate.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(duplicate.headers.get('retry-after')).toBe('1');
    const problem = (await duplicate.json()) as { code: string; detail: string };
    expect(problem.code).toBe('CONFLICT');
    expect(problem.detail).toContain('A request with this Idempotency-Key is still being processed');
    slow.open();
    const answered = await first;
    expect(answered.status).toBe(201);
    const retry = await createOrganization('Concurrent', idempotencyKey);
    expect(retry.headers.get('idempotency-replayed')).toBe('true');
    expect(await retry.text()).toBe(await answered.text());
    expect(count(created, 'Concurrent')).toBe(1);
  });

  it('lets exactly one of many simultaneous duplicates reach the route', async () => {
    const idempotencyKey = randomUUID();
    const responses = await Promise.all(Array.from({ length: 8 }, () => createOrganization('Simultaneous', idempotencyKey)));
    expect(count(created, 'Simultaneous')).toBe(1);
    const created201 = responses.filter((response) => response.status === 201);
    expect(created201.filter((response) => response.headers.get('idempotency-replayed') === null)).toHaveLength(1);
    expect(responses.every((response) => response.status === 201 || response.status === 409)).toBe(true);
  });

  it('keeps no 5xx: the retry with the same key reaches the route again, and its answer is the one replayed', async () => {
    const idempotencyKey = randomUUID();
    failOnce.add('Flaky');
    expect((await createOrganization('Flaky', idempotencyKey)).status).toBe(503);
    const retry = await createOrganization('Flaky', idempotencyKey);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotency-replayed')).toBeNull();
    expect((await createOrganization('Flaky', idempotencyKey)).headers.get('idempotency-replayed')).toBe('true');
    expect(count(created, 'Flaky')).toBe(2);
  });

  it('keeps the keys of two users apart: the same key creates one organization each', async () => {
    const idempotencyKey = randomUUID();
    const ada = await createOrganization('Shared key', idempotencyKey, await asUser(account.id));
    const bob = await createOrganization('Shared key', idempotencyKey, await asUser(memberId));
    expect([ada.status, bob.status]).toEqual([201, 201]);
    expect(bob.headers.get('idempotency-replayed')).toBeNull();
    const [adaBody, bobBody] = [await ada.text(), await bob.text()];
    expect(bobBody).not.toBe(adaBody);
    // Each retry is replayed its own caller's answer.
    expect(await (await createOrganization('Shared key', idempotencyKey, await asUser(account.id))).text()).toBe(adaBody);
    expect(await (await createOrganization('Shared key', idempotencyKey, await asUser(memberId))).text()).toBe(bobBody);
    expect(count(created, 'Shared key')).toBe(2);
  });

  it('checks credentials before claiming the key: a refused token leaves it free for the retry with a good one', async () => {
    const idempotencyKey = randomUUID();
    expect((await createOrganization('After 401', idempotencyKey, { Authorization: 'Bearer expired.or.garbage' })).status).toBe(401);
    expect((await createOrganization('After 401', idempotencyKey)).headers.get('idempotency-replayed')).toBeNull();
    expect((await createOrganization('After 401', idempotencyKey)).headers.get('idempotency-replayed')).toBe('true');
    expect(count(created, 'After 401')).toBe(1);
  });

  it.each([
    ['empty', ''],
    ['too long', 'k'.repeat(256)],
    ['with a space', 'two words'],
  ])('refuses a key that is %s: 400 VALIDATION_FAILED, the route not run', async (_case, idempotencyKey) => {
    const name = `Bad key ${randomUUID()}`;
    const response = await createOrganization(name, undefined, { ...(await asUser()), 'Idempotency-Key': idempotencyKey });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'Idempotency-Key' }] });
    expect(count(created, name)).toBe(0);
  });

  it('fails closed: with the key store unreachable a keyed mutation is 503 and never runs; unkeyed ones still do', async () => {
    const name = `Unguarded ${randomUUID()}`;
    const headers = { ...(await asUser()), 'Idempotency-Key': randomUUID() };
    const refused = await send('POST', '/organizations', { name }, headers, brokenSut);
    expect(refused.status).toBe(503);
    const problem = await refused.json();
    expect(problem).toMatchObject({ code: 'UNAVAILABLE' });
    expect(JSON.stringify(problem)).not.toContain('client is closed');
    expect(count(created, name)).toBe(0);
    expect((await send('POST', '/organizations', { name }, await asUser(), brokenSut)).status).toBe(201);
  });

  it('never keeps an answer carrying tokens (register): the key guards the run in flight only, and frees itself after', async () => {
    const idempotencyKey = randomUUID();
    const email = `${randomUUID()}@example.com`;
    const register = (from: string) =>
      send('POST', '/auth/register', { email, password: 'correct horse' }, { 'Idempotency-Key': idempotencyKey, 'X-Forwarded-For': from });
    const slow = held(email);
    const first = register('198.51.100.7');
    await slow.called.opened;
    expect((await register('198.51.100.7')).status).toBe(409);
    slow.open();
    expect((await first).status).toBe(201);
    const retry = await register('198.51.100.7');
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotency-replayed')).toBeNull();
    expect(count(registered, email)).toBe(2);
    const records = await Promise.all((await redis.keys(`${sut.prefix}idem:*`)).map((name) => redis.get(name)));
    expect(records.filter((record) => record?.includes('/auth/register'))).toEqual([]);
  });

  it('scopes keys on routes without credentials by client address: another address is not held up by it', async () => {
    const idempotencyKey = randomUUID();
    const email = `${randomUUID()}@example.com`;
    const register = (from: string) =>
      send('POST', '/auth/register', { email, password: 'correct horse' }, { 'Idempotency-Key': idempotencyKey, 'X-Forwarded-For': from });
    const slow = held(email);
    const first = register('198.51.100.8');
    await slow.called.opened;
    const elsewhere = register('203.0.113.9');
    await expect.poll(() => count(registered, email)).toBe(2);
    expect((await register('198.51.100.8')).status).toBe(409);
    slow.open();
    expect([(await first).status, (await elsewhere).status]).toEqual([201, 201]);
  });
});
