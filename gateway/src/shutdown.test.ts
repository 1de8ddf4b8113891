import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { shutDownGracefully } from './shutdown.ts';

/** A stand-in gateway: /readyz follows the draining flag, /slow answers after 300 ms. */
function startServer() {
  const state = { draining: false };
  const server = createServer((req, res) => {
    if (req.url === '/readyz') {
      res.statusCode = state.draining ? 503 : 200;
      res.end();
      return;
    }
    const wait = req.url === '/slow' ? 300 : 0;
    setTimeout(() => res.end('ok'), wait);
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
    const events: string[] = [];
    const stopping = shutDown(sut, 0, () => events.push('dependencies closed'));
    const answer = await slow;
    events.push(`answered ${answer.status}`);
    await stopping;
    expect(events).toEqual(['answered 200', 'dependencies closed']);
  });
});
