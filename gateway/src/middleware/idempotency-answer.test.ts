import type { AddressInfo } from 'node:net';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { createLogger } from '#libs/logging';
import { errorHandler } from './error-handler.ts';
import { holdAnswer, isKept, MAX_KEPT_BODY_BYTES, type HeldAnswer } from './idempotency-answer.ts';

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const answer = (status: number, body: Buffer = json({ id: '1' })) => ({ status, headers: {}, body });

describe(isKept.name, () => {
  it.each([200, 201, 204, 400, 403, 404, 412, 422])('keeps a final %i', (status) => {
    expect(isKept(answer(status))).toBe(true);
  });

  it.each([401, 408, 409, 429, 500, 502, 503, 504])('does not keep %i: a retry may be answered otherwise', (status) => {
    expect(isKept(answer(status))).toBe(false);
  });

  it.each([
    ['a token pair', { access_token: 'a', refresh_token: 'r', token_type: 'Bearer' }],
    ['an invitation token', { id: '1', token: 't' }],
    ['a nested secret', { app: { client_secret: 's' } }],
    ['a secret in a list', { data: [{ id: '1' }, { api_key_secret: 's' }] }],
  ])('does not keep an answer carrying %s', (_case, body) => {
    expect(isKept(answer(201, json(body)))).toBe(false);
  });

  it('keeps an answer naming token types or counts, which are no secrets', () => {
    expect(isKept(answer(200, json({ token_type: 'Bearer', tokens_revoked: 2 })))).toBe(true);
  });

  it('does not keep a body it cannot read as JSON, or one past the size cap', () => {
    expect(isKept(answer(200, Buffer.from('not json')))).toBe(false);
    expect(isKept(answer(200, json({ name: 'x'.repeat(MAX_KEPT_BODY_BYTES) })))).toBe(false);
  });
});

describe(holdAnswer.name, () => {
  async function serve(route: express.RequestHandler): Promise<{ text: string; held: HeldAnswer[] }> {
    const held: HeldAnswer[] = [];
    const app = express();
    app.get('/', (req, res, next) => {
      holdAnswer(res, async (answer) => void held.push(answer));
      route(req, res, next);
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      return { text: await response.text(), held };
    } finally {
      server.close();
    }
  }

  it('captures an answer sent whole: status, the replayed headers and the bytes', async () => {
    const { text, held } = await serve((_req, res) => void res.status(201).location('/x').json({ id: '1' }));
    expect(text).toBe('{"id":"1"}');
    expect(held).toEqual([{ keep: true, stored: { status: 201, headers: { 'content-type': 'application/json; charset=utf-8', location: '/x' }, body: Buffer.from(text) } }]);
  });

  it('lets an answer written in pieces stream through, and does not keep it', async () => {
    const { text, held } = await serve((_req, res) => {
      res.status(200).type('text/plain');
      res.write('first ');
      res.end('second');
    });
    expect(text).toBe('first second');
    expect(held).toEqual([{ keep: false }]);
  });

  it('sends and keeps the first answer only: a second end while it is held, or an error after it, changes nothing', async () => {
    const held: HeldAnswer[] = [];
    const app = express();
    app.get('/', (_req, res, next) => {
      holdAnswer(res, async (answer) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        held.push(answer);
      });
      res.status(201).json({ id: '1' });
      res.status(500).end('second');
      next(new Error('thrown after the answer was sent'));
    });
    app.use(errorHandler(createLogger('test', 'silent')));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      expect([response.status, await response.text()]).toEqual([201, '{"id":"1"}']);
      expect(held.map((answer) => (answer.keep ? answer.stored.status : 'not kept'))).toEqual([201]);
    } finally {
      server.close();
    }
  });
});
