import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpSender, TransportError } from './http-sender.ts';

describe(HttpSender.name, () => {
  let server: Server | undefined;
  const sockets = new Set<unknown>();

  afterEach(async () => {
    if (server) await new Promise((resolve) => server!.close(resolve));
    server = undefined;
    sockets.clear();
  });

  async function serve(handler: Parameters<typeof createServer>[1] & object): Promise<number> {
    server = createServer(handler);
    server.on('connection', (socket) => sockets.add(socket));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }

  it('reads sized, chunked and empty answers one after another on one connection', async () => {
    const port = await serve((req, res) => {
      if (req.url === '/sized') res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      else if (req.url === '/chunked') {
        res.writeHead(201);
        res.write('a'.repeat(5000));
        setTimeout(() => res.end('tail'), 5);
      } else res.writeHead(204).end();
    });
    const sut = new HttpSender(port, [{ method: 'GET', path: '/sized', headers: {} }, { method: 'GET', path: '/chunked', headers: {} }, { method: 'GET', path: '/empty', headers: {} }], 1);
    const statuses = [];
    for (let index = 0; index < 6; index += 1) statuses.push(await sut.send(index));
    sut.close();
    expect(statuses).toEqual([200, 201, 204, 200, 201, 204]);
    expect(sockets.size).toBe(1);
  });

  it('sends the body with its length and never opens more than maxSockets connections', async () => {
    const bodies: string[] = [];
    const port = await serve((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        bodies.push(body);
        setTimeout(() => res.writeHead(200, { 'content-length': '0' }).end(), 10);
      });
    });
    const sut = new HttpSender(port, [{ method: 'POST', path: '/login', headers: { 'content-type': 'application/json' }, body: '{"a":"é"}' }], 2);
    const statuses = await Promise.all(Array.from({ length: 7 }, (_, index) => sut.send(index)));
    sut.close();
    expect(statuses).toEqual(Array<number>(7).fill(200));
    expect(bodies).toEqual(Array<string>(7).fill('{"a":"é"}'));
    expect(sockets.size).toBe(2);
  });

  it('opens a new connection instead of reusing one idle past maxIdleMs (the server may be closing it)', async () => {
    const port = await serve((_req, res) => res.writeHead(200, { 'content-length': '0' }).end());
    const sut = new HttpSender(port, [{ method: 'GET', path: '/', headers: {} }], 1, 50);
    expect(await sut.send(0)).toBe(200);
    expect(await sut.send(1)).toBe(200);
    expect(sockets.size).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await sut.send(2)).toBe(200);
    sut.close();
    expect(sockets.size).toBe(2);
  });

  it('reconnects after the server closes a connection, and reports a refused one as a transport error', async () => {
    const port = await serve((_req, res) => res.writeHead(200, { connection: 'close', 'content-length': '2' }).end('ok'));
    const sut = new HttpSender(port, [{ method: 'GET', path: '/', headers: {} }], 1);
    expect([await sut.send(0), await sut.send(1)]).toEqual([200, 200]);
    sut.close();
    expect(sockets.size).toBe(2);

    await new Promise((resolve) => server!.close(resolve));
    server = undefined;
    const refused = new HttpSender(port, [{ method: 'GET', path: '/', headers: {} }], 1);
    const failure = await refused.send(0).catch((error: unknown) => error);
    refused.close();
    expect(failure).toBeInstanceOf(TransportError);
    expect((failure as TransportError).code).toBe('ECONNREFUSED');
  });
});
