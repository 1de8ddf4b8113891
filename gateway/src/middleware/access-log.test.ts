import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '#libs/logging';
import { LogCapture } from '#libs/testing';
import { accessLog } from './access-log.ts';
import { createHttpMetrics } from './metrics.ts';
import { requestId } from './request-id.ts';
import { routeTable } from './route-table.ts';

describe(accessLog.name, () => {
  let close: () => void = () => undefined;
  afterEach(() => close());

  /** One request through the middleware; the log lines it wrote, and the duration samples. */
  async function oneRequest(level: string, path = '/items/42?secret=x') {
    const capture = new LogCapture();
    const logger = createLogger('test', level, capture);
    const metrics = createHttpMetrics();
    const app = express();
    const routes = routeTable([{ method: 'get', path: '/items/:id' }]);
    app.use(requestId(), accessLog(logger, metrics.requestDuration, () => routes));
    // Stands for a body parser refusing a request before it reaches its route.
    app.use('/items/refused', (_req, res) => void res.status(415).end());
    app.get('/items/:id', (_req, res) => void res.json({ ok: true }));
    const server = app.listen(0, '127.0.0.1');
    close = () => server.close();
    await new Promise((resolve) => server.once('listening', resolve));
    await (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`)).text();
    await new Promise((resolve) => setImmediate(resolve));
    const samples = (await metrics.requestDuration.get()).values.filter((value) => value.metricName === 'http_request_duration_seconds_count');
    return { lines: capture.lines, samples };
  }

  it('logs one line per request with the route pattern, never the raw URL', async () => {
    const { lines, samples } = await oneRequest('info');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: 'request completed', method: 'GET', route: '/items/:id', status: 200 });
    expect(JSON.stringify(lines[0])).not.toContain('secret');
    expect(samples).toEqual([expect.objectContaining({ labels: { method: 'GET', route: '/items/:id', status: '200' }, value: 1 })]);
  });

  it('labels a request refused before its route with that route, and an unknown path as unmatched', async () => {
    const refused = await oneRequest('info', '/items/refused');
    expect(refused.lines[0]).toMatchObject({ route: '/items/:id', status: 415 });
    const unknown = await oneRequest('info', '/nowhere');
    expect(unknown.lines[0]).toMatchObject({ route: 'unmatched', status: 404 });
  });

  it('writes nothing when the level drops the line, and still counts the request', async () => {
    const { lines, samples } = await oneRequest('warn');
    expect(lines).toEqual([]);
    expect(samples).toEqual([expect.objectContaining({ value: 1 })]);
  });
});
