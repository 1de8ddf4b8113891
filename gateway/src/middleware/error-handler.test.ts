import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '#libs/errors';
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
    app.get('/limited', (_req, res) => {
      // The per-IP limiter let the request through; a service's own limit then refused it.
      res.setHeader('RateLimit-Limit', '300');
      res.setHeader('RateLimit-Remaining', '299');
      res.setHeader('RateLimit-Reset', '60');
      throw new AppError('RATE_LIMITED', 'Too many sign-in attempts.', { retryAfterSeconds: 120, rateLimit: 5 });
    });
    app.get('/limited-quietly', (_req, res) => {
      res.setHeader('RateLimit-Limit', '300');
      throw new AppError('RATE_LIMITED', 'Busy.', { retryAfterSeconds: 7 });
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

  it("describes a service's tripped limit in Retry-After and RateLimit-*, over the per-IP figures", async () => {
    const response = await fetch(`${url}/limited`);
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('120');
    expect(response.headers.get('ratelimit-remaining')).toBe('0');
    expect(response.headers.get('ratelimit-reset')).toBe('120');
    // The quota of the limit that refused, not the per-IP one (300).
    expect(response.headers.get('ratelimit-limit')).toBe('5');
  });

  it('leaves RateLimit-Limit out when the refusing limit named no quota (the per-IP one would mislead)', async () => {
    const response = await fetch(`${url}/limited-quietly`);
    expect(response.status).toBe(429);
    expect(response.headers.get('ratelimit-reset')).toBe('7');
    expect(response.headers.get('ratelimit-limit')).toBeNull();
  });
});
