import { createHash } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app.ts';
import { connectTestRedis, postJson, startTestGateway, type TestGateway, type TestRedis } from './testing/harness.ts';
import { createSigningKey } from './testing/tokens.ts';

const register = '/api/v1/auth/register';

/** Sends `head` and `body` on a fresh connection and collects everything until the server closes it. */
function rawExchange(url: string, head: string, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = rawConnection(url, `${head}\r\n\r\n${body}`);
    let received = '';
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(received));
  });
}

/** A connection to `url` that has sent `bytes`, reading text. */
function rawConnection(url: string, bytes: string): Socket {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname, () => socket.write(bytes));
  socket.setEncoding('utf8');
  return socket;
}

/** The next complete response on `socket` (headers and a Content-Length body), as text. */
function nextAnswer(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let received = '';
    const onData = (chunk: string) => {
      received += chunk;
      const headEnd = received.indexOf('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(received)?.[1];
      if (headEnd < 0 || length === undefined || received.length < headEnd + 4 + Number(length)) return;
      socket.off('data', onData);
      resolve(received);
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}

const postHead = (length: number) => `POST ${register} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${length}`;

describe(createApp.name, () => {
  let redis: TestRedis;
  let sut: TestGateway;

  beforeAll(async () => {
    redis = await connectTestRedis();
    sut = await startTestGateway({
      redis,
      signingKey: await createSigningKey(),
      probes: [{ name: 'auth', check: async () => undefined }, { name: 'org', check: () => Promise.reject(new Error('down')) }],
    });
  });

  afterAll(async () => {
    await sut.close();
    await redis.close();
  });

  it('answers an unknown route with a 404 problem', async () => {
    const response = await fetch(`${sut.url}/api/v1/nope`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toMatchObject({ type: 'https://egp.dev/problems/not-found', code: 'NOT_FOUND', status: 404 });
  });

  describe('request bodies', () => {
    it('refuses a body that is not JSON with 415', async () => {
      const response = await fetch(`${sut.url}${register}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' });
      expect(response.status).toBe(415);
      expect(await response.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    });

    it('refuses a form post with 415', async () => {
      const response = await fetch(`${sut.url}${register}`, { method: 'POST', body: new URLSearchParams({ email: 'a@b.co' }) });
      expect(response.status).toBe(415);
    });

    it.each([
      ['just over 1 MiB', 1024 * 1024],
      ['8 MiB', 8 * 1024 * 1024],
    ])('refuses a body of %s with 413, delivered to a client still uploading', async (_case, size) => {
      const response = await postJson(`${sut.url}${register}`, { email: 'a@b.co', password: 'x'.repeat(size) });
      expect(response.status).toBe(413);
      expect(await response.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    });

    it('answers a body declared over 1 MiB at once, then discards the rest and keeps the connection', async () => {
      // Five megabytes announced and a kilobyte sent: the answer does not wait for the rest.
      const socket = rawConnection(sut.url, `${postHead(5_000_000)}\r\n\r\n${'{"email":"'.padEnd(1024, 'a')}`);
      try {
        const answer = await nextAnswer(socket);
        expect(answer).toMatch(/^HTTP\/1\.1 413 /);
        expect(answer).toContain('"code":"PAYLOAD_TOO_LARGE"');
        socket.write('a'.repeat(5_000_000 - 1024));
        socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
        expect(await nextAnswer(socket)).toMatch(/^HTTP\/1\.1 200 /);
      } finally {
        socket.destroy();
      }
    });

    it.each([
      ['corrupt gzip', Buffer.from('not gzip at all')],
      ['valid gzip', gzipSync(JSON.stringify({ email: 'a@b.co', password: 'correct horse' }))],
    ])('refuses a content-encoded body (%s) with 415, never inflating it', async (_case, body) => {
      const response = await fetch(`${sut.url}${register}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body,
      });
      expect(response.status).toBe(415);
      expect(await response.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', detail: 'Send JSON as UTF-8, without content encoding.' });
    });

    it.each([
      ['a stray 0xFF byte', Buffer.from([0xff])],
      ['an overlong "/"', Buffer.from([0xc0, 0xaf])],
      ['an encoded UTF-16 surrogate', Buffer.from([0xed, 0xa0, 0x80])],
      ['a truncated sequence', Buffer.from([0xe2, 0x82])],
    ])('refuses a body that is not UTF-8 (%s) with 400, never decoding it to U+FFFD', async (_case, bad) => {
      const body = Buffer.concat([Buffer.from('{"email":"a@b.co","password":"pass'), bad, Buffer.from('word-long-enough"}')]);
      const response = await fetch(`${sut.url}${register}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code: 'VALIDATION_FAILED', detail: 'The body is not valid UTF-8.' });
    });

    it('refuses a body naming a member twice in one object with 400, whichever spelling', async () => {
      const response = await postJson(`${sut.url}${register}`, '{"email":"a@b.co","password":"correct horse battery","\\u0065mail":"c@d.co"}');
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code: 'VALIDATION_FAILED', detail: 'The body names "email" twice in one object.' });
    });

    it('reads multi-byte UTF-8 as the characters sent', async () => {
      const response = await postJson(`${sut.url}${register}`, '{"zoë🎮":1}');
      expect(response.status).toBe(400);
      expect(((await response.json()) as { errors: unknown[] }).errors).toContainEqual(expect.objectContaining({ field: 'zoë🎮' }));
    });

    it('refuses malformed JSON with 400', async () => {
      const response = await postJson(`${sut.url}${register}`, '{"email": "a@b.co",');
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code: 'VALIDATION_FAILED', detail: 'The body is not valid JSON.' });
    });

    it.each(['null', '"text"', '42', 'true', '[{"email":"a@b.co"}]'])('refuses valid JSON that is not an object (%s) with 400, saying so', async (body) => {
      const response = await postJson(`${sut.url}${register}`, body);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code: 'VALIDATION_FAILED', detail: 'The body must be a JSON object.', errors: [{ field: '(body)' }] });
    });

    it.each([
      ['a value', '{"email":"a@b.co","password":"p","display_name":"x\\u0000y"}', 'display_name'],
      ['a nested value', '{"email":"a@b.co","password":"p","x":{"y":["ok","\\u0000"]}}', 'x.y.1'],
      ['a key', '{"email":"a@b.co","password":"p","x":{"k\\u0000":1}}', 'x'],
    ])('refuses a NUL character in %s with 400 (Postgres cannot store one)', async (_case, body, field) => {
      const response = await postJson(`${sut.url}${register}`, body);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field }] });
    });

    it.each([
      ['a password', '{"email":"a@b.co","password":"\\ud800Zk4#wq9Lr-x"}', 'password'],
      ['a trailing low half', '{"email":"a@b.co","password":"Zk4#wq9Lr-x\\udc00"}', 'password'],
      ['a nested value', '{"email":"a@b.co","password":"p","x":["ok","a\\udbffb"]}', 'x.1'],
      ['a key', '{"email":"a@b.co","password":"p","x":{"k\\ud800":1}}', 'x'],
    ])('refuses a lone surrogate escape in %s with 400 (it would reach the hash as U+FFFD)', async (_case, body, field) => {
      const response = await postJson(`${sut.url}${register}`, body);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field }] });
    });

    it('accepts a surrogate pair written as two escapes (one emoji)', async () => {
      const response = await postJson(`${sut.url}${register}`, '{"email":"pair@b.co","password":"\\ud83d\\ude00Zk4#wq9Lr-x"}');
      expect(response.status).not.toBe(400);
    });

    it.each(['__proto__', 'constructor', 'prototype'])('refuses a %s key anywhere in the body', async (key) => {
      const response = await postJson(`${sut.url}${register}`, `{"email":"a@b.co","password":"p","x":{"${key}":{"admin":true}}}`);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ errors: [{ field: `x.${key}` }] });
    });
  });

  it.each(['/healthz', '/readyz', '/metrics', '/docs', '/api/v1/openapi.json'])('answers POST %s with 405 and Allow, like the API paths', async (path) => {
    const response = await fetch(`${sut.url}${path}`, { method: 'POST' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
  });

  describe('documentation', () => {
    it('serves an OpenAPI 3.1 document with the slice routes', async () => {
      const document = (await (await fetch(`${sut.url}/api/v1/openapi.json`)).json()) as {
        openapi: string;
        paths: Record<string, Record<string, { responses: Record<string, unknown>; requestBody?: unknown }>>;
      };
      expect(document.openapi).toBe('3.1.0');
      expect(document.paths['/api/v1/auth/register']?.post?.responses).toHaveProperty('201');
      expect(document.paths['/api/v1/auth/register']?.post?.requestBody).toBeDefined();
      expect(document.paths['/api/v1/auth/login']?.post?.responses).toHaveProperty('401');
      expect(document.paths['/api/v1/users/me']?.get?.responses).toHaveProperty('200');
      expect(document.paths['/.well-known/jwks.json']?.get?.responses).toHaveProperty('200');
    });

    it('documents the operations endpoints and the response headers (request id, rate limits, Retry-After)', async () => {
      type Response = { headers?: Record<string, unknown> };
      const document = (await (await fetch(`${sut.url}/api/v1/openapi.json`)).json()) as {
        paths: Record<string, Record<string, { responses: Record<string, Response> }>>;
        components: { headers: Record<string, unknown> };
      };
      for (const path of ['/healthz', '/readyz', '/metrics', '/docs', '/api/v1/openapi.json']) expect(document.paths[path]?.get).toBeDefined();
      const register = document.paths['/api/v1/auth/register']?.post?.responses ?? {};
      expect(Object.keys(register['201']?.headers ?? {})).toEqual(['X-Request-Id', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset']);
      expect(register['429']?.headers).toHaveProperty('Retry-After');
      expect(Object.keys(document.paths['/healthz']?.get?.responses['200']?.headers ?? {})).toEqual(['X-Request-Id']);
      expect(Object.keys(document.components.headers)).toEqual(expect.arrayContaining(['X-Request-Id', 'Retry-After', 'RateLimit-Limit']));
    });

    it('renders a self-contained, interactive HTML reference whose one script the CSP allows by hash', async () => {
      const response = await fetch(`${sut.url}/docs`);
      const html = await response.text();
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(html).toContain('/api/v1/users/me');
      expect(html).toContain('<form class="try" data-method="post" data-path="/api/v1/auth/register">');
      expect(html).not.toMatch(/https?:\/\/cdn|<script src/i);
      const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => match[1]!);
      expect(scripts).toHaveLength(1);
      const hash = createHash('sha256').update(scripts[0]!).digest('base64');
      // Its inline style sheet, that script and same-origin requests are all the page may use.
      expect(response.headers.get('content-security-policy')).toBe(
        `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${hash}'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`,
      );
    });
  });

  describe('operations', () => {
    it('reports liveness without checking dependencies', async () => {
      expect((await fetch(`${sut.url}/healthz`)).status).toBe(200);
    });

    it('reports readiness as a 503 problem naming what is down', async () => {
      const response = await fetch(`${sut.url}/readyz`);
      expect(response.status).toBe(503);
      const problem = (await response.json()) as { detail: string; errors: Array<{ field: string }> };
      expect(problem.errors.map((error) => error.field)).toEqual(['org']);
    });

    it('exposes Prometheus metrics, including request durations by route', async () => {
      await fetch(`${sut.url}/healthz`);
      const text = await (await fetch(`${sut.url}/metrics`)).text();
      expect(text).toContain('process_cpu_user_seconds_total');
      expect(text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\}/);
    });

    it("sets a JSON API's security headers on every answer, errors included: nothing stored, framed, sniffed or loaded", async () => {
      for (const path of ['/healthz', '/api/v1/users/me', '/api/v1/no-such-route']) {
        const response = await fetch(`${sut.url}${path}`);
        expect(Object.fromEntries(['cache-control', 'pragma', 'content-security-policy', 'strict-transport-security', 'x-content-type-options', 'x-frame-options', 'referrer-policy'].map((name) => [name, response.headers.get(name)]))).toEqual({
          'cache-control': 'no-store',
          pragma: 'no-cache',
          'content-security-policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
          'strict-transport-security': 'max-age=31536000; includeSubDomains',
          'x-content-type-options': 'nosniff',
          'x-frame-options': 'DENY',
          'referrer-policy': 'no-referrer',
        });
        expect(response.headers.get('x-powered-by')).toBeNull();
      }
    });
  });

  describe('with a 300 ms HTTP_REQUEST_TIMEOUT_MS', () => {
    let slow: TestGateway;
    beforeAll(async () => {
      slow = await startTestGateway({ redis, signingKey: await createSigningKey(), env: { HTTP_REQUEST_TIMEOUT_MS: '300' } });
    });
    afterAll(() => slow.close());

    it('answers 408 and closes when a request has not fully arrived in time', async () => {
      const answer = await rawExchange(slow.url, postHead(100), '{"email":');
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    });

    it('closes, without a second answer, on a client that never finishes a body already refused with 413', async () => {
      const answer = await rawExchange(slow.url, postHead(5_000_000), '{"email":');
      expect(answer).toMatch(/^HTTP\/1\.1 413 /);
      expect(answer.match(/HTTP\/1\.1 \d{3}/g)).toHaveLength(1);
    });
  });
});
