import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '#libs/logging';
import { errorHandler, notFound } from './error-handler.ts';
import { requestId } from './request-id.ts';

describe(errorHandler.name, () => {
  let url = '';
  let close: () => void = () => undefined;

  beforeAll(async () => {
    const app = express();
    app.use(requestId());
    app.get('/items/:id', (_req, res) => {
      res.send('ok');
    });
    app.get('/boom', () => {
      throw new Error('SELECT * FROM users -- at db.internal:5432');
    });
    app.use(notFound());
    app.use(errorHandler(createLogger('test', 'silent')));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });

  afterAll(() => close());

  it('answers an undecodable path parameter with 400, not 500', async () => {
    const response = await fetch(`${url}/items/%E0%A4%A`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('hides an unexpected failure behind a bare 500 problem', async () => {
    const response = await fetch(`${url}/boom`);
    expect(response.status).toBe(500);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const body = await response.text();
    expect(body).not.toMatch(/SELECT|db\.internal|at /);
  });
});
