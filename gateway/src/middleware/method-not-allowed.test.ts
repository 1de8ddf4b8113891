import express from 'express';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '#libs/logging';
import { errorHandler, notFound } from './error-handler.ts';
import { methodNotAllowed } from './method-not-allowed.ts';
import { routeTable } from './route-table.ts';

describe(methodNotAllowed.name, () => {
  let server: Server;
  let url = '';

  beforeAll(async () => {
    const app = express();
    app.get('/api/v1/users/me', (_req, res) => void res.json({}));
    app.use(
      methodNotAllowed(
        routeTable([
          { method: 'get', path: '/api/v1/users/me' },
          { method: 'put', path: '/api/v1/users/me' },
          { method: 'delete', path: '/api/v1/organizations/:orgId/members/:userId' },
        ]),
      ),
    );
    app.use(notFound());
    app.use(errorHandler(createLogger('test', 'silent')));
    server = app.listen(0);
    await new Promise((resolve) => server.once('listening', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('answers 405 with Allow for a known path under another method', async () => {
    const sut = await fetch(`${url}/api/v1/users/me`, { method: 'PATCH' });
    expect(sut.status).toBe(405);
    expect(sut.headers.get('allow')).toBe('GET, PUT, HEAD');
    expect(await sut.json()).toMatchObject({ code: 'METHOD_NOT_ALLOWED', status: 405 });
    const withParams = await fetch(`${url}/api/v1/organizations/abc/members/def`, { method: 'GET' });
    expect(withParams.status).toBe(405);
    expect(withParams.headers.get('allow')).toBe('DELETE');
  });

  it('leaves unknown paths to the 404 handler', async () => {
    expect((await fetch(`${url}/api/v1/nothing-here`, { method: 'PATCH' })).status).toBe(404);
    expect((await fetch(`${url}/api/v1/organizations/abc/members`, { method: 'DELETE' })).status).toBe(404);
  });
});
