import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { shutDownGracefully } from './shutdown.ts';

/** A stand-in gateway: /readyz follows the draining flag, /slow answers after 300 ms. */
function startServer() {
  const state = { draining: false, answered: [] as string[] };
  const server = createServer((req, res) => {
    if (req.url === '/readyz') {
      res.statusCode = state.draining ? 503 : 200;
      res.end();
      return;
    }
    const wait = req.url === '/slow' ? 300 : 0;
    setTimeout(() => res.end('ok', () => state.answered.push(req.url ?? '')), wait);
  });
  server.listen(0, '127.0.0.1');
  return { server, state };
}

/** Resolves once it listens, with its base URL (taken now: a closed server has no address). */
async function listening(server: Server): Promise<string> {
  await new Promise((resolve) => server.once('listening', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function shutDown(sut: ReturnType<typeof startServer>, drainDelayMs: number, onClose: () => void): Promise<void> {
  return shutDownGracefully({
    server: sut.server,
    startDraining: () => (sut.state.draining = true),
    drainDelayMs,
    graceMs: 5_000,
    closeDependencies: async () => void onClose(),
  });
}

describe(shutDownGracefully.name, () => {
  let server: Server | undefined;
  afterEach(() => void server?.close());

  it('fails readiness first and keeps serving through the drain delay, then stops accepting', async () => {
    const sut = startServer();
    server = sut.server;
    const url = await listening(sut.server);
    const closed: string[] = [];
    const stopping = shutDown(sut, 400, () => closed.push('dependencies'));

    // During the delay: not ready, yet a request routed here meanwhile is answered.
    expect((await fetch(`${url}/readyz`)).status).toBe(503);
    expect(await (await fetch(`${url}/api`)).text()).toBe('ok');
    expect(closed).toEqual([]);

    await stopping;
    expect(closed).toEqual(['dependencies']);
    await expect(fetch(`${url}/api`)).rejects.toThrow();
  });

  it('lets a request in flight finish before closing the dependencies it uses', async () => {
    const sut = startServer();
    server = sut.server;
    const url = await listening(sut.server);
    const slow = fetch(`${url}/slow`);
    await delay(50);
    const answeredWhenClosing: string[][] = [];
    const stopping = shutDown(sut, 0, () => answeredWhenClosing.push([...sut.state.answered]));
    expect((await slow).status).toBe(200);
    await stopping;
    expect(answeredWhenClosing).toEqual([['/slow']]);
  });

  it('answers keep-alive clients to the end: each open connection closes after its next answer, none is cut off', async () => {
    const sut = startServer();
    server = sut.server;
    const url = await listening(sut.server);
    const outcomes: string[] = [];
    let stopping: Promise<void> | undefined;
    // Four clients each sending one slow request after another on their keep-alive connection.
    const client = async () => {
      for (let sent = 0; sent < 6; sent++) {
        try {
          const answer = await fetch(`${url}/slow`);
          outcomes.push(`${answer.status} ${answer.headers.get('connection')}`);
          await answer.text();
        } catch (error) {
          outcomes.push(`refused ${String((error as { cause?: { code?: string } }).cause?.code)}`);
        }
        if (sent === 1) stopping ??= shutDown(sut, 400, () => undefined);
      }
    };
    await Promise.all(Array.from({ length: 4 }, client));
    await stopping;
    // Every request either got its whole answer or was refused a connection: none cut off.
    expect(outcomes.every((outcome) => outcome.startsWith('200') || outcome === 'refused ECONNREFUSED')).toBe(true);
    // Once draining, answers said so (each client moved to a new connection per request),
    // instead of keeping the connection for more requests until the grace period cut it.
    expect(outcomes.filter((outcome) => outcome === '200 close').length).toBeGreaterThanOrEqual(4);
    expect(outcomes.filter((outcome) => outcome === '200 keep-alive').length).toBeLessThanOrEqual(8);
    expect(outcomes.filter((outcome) => outcome.startsWith('refused')).length).toBeGreaterThan(0);
  });
});
