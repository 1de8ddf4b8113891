/**
 * A child process of the transport floor (see ../transport-floor.ts), doing no work of its own:
 *   `grpc`        – a grpc-js server whose one unary method answers a fixed body;
 *   `http <port>` – a node:http server: `/direct` answers the fixed body itself, `/relay`
 *                   answers whatever one grpc-js call to the `grpc` child at <port> returns.
 * Reports its listening port(s) to the parent over IPC, then serves until killed.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, credentials, Server, ServerCredentials, type ServiceError } from '@grpc/grpc-js';

/** About the size of a `GET /users/me` answer. */
const BODY = Buffer.from(
  JSON.stringify({
    id: '0193a5c2-7b1e-7c3a-9f5e-2d4b6a8c0e1f',
    email: 'bench-floor-user@example.com',
    display_name: 'Bench floor user',
    avatar_url: 'https://cdn.example.com/avatars/bench-floor-user.png',
    wallets: [],
    created_at: '2026-11-23T12:00:00.000Z',
    updated_at: '2026-11-23T12:00:00.000Z',
  }),
);
const METHOD = '/egp.bench.floor.v1.Floor/Get';
const bytes = (value: Buffer) => value;
const definition = {
  get: { path: METHOD, requestStream: false, responseStream: false, requestSerialize: bytes, requestDeserialize: bytes, responseSerialize: bytes, responseDeserialize: bytes, originalName: 'get' },
};

function report(ports: Record<string, number>): void {
  process.send?.(ports);
}

async function serveGrpc(): Promise<void> {
  const server = new Server();
  server.addService(definition, { get: (_call: unknown, callback: (error: null, body: Buffer) => void) => callback(null, BODY) });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  report({ grpcPort: port });
}

function serveHttp(grpcPort: number): void {
  const client = new Client(`127.0.0.1:${grpcPort}`, credentials.createInsecure());
  const answer = (res: ServerResponse, status: number, body: Buffer) => {
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  };
  const server = createServer((req, res) => {
    if (req.url === '/relay') {
      const forwarded = Buffer.from(req.headers.authorization ?? '');
      client.makeUnaryRequest(METHOD, bytes, bytes, forwarded, (error: ServiceError | null, body?: Buffer) =>
        error || !body ? answer(res, 502, Buffer.from('{}')) : answer(res, 200, body),
      );
    } else {
      answer(res, 200, BODY);
    }
  });
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    report({ httpPort: port });
  });
}

const [role, grpcPort] = process.argv.slice(2);
if (role === 'grpc') await serveGrpc();
else if (role === 'http' && grpcPort) serveHttp(Number(grpcPort));
else throw new Error('usage: floor-server.ts grpc | http <grpc port>');
