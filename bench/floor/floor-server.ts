/**
 * A child process of the transport floor (see ../transport-floor.ts), doing no work of its own:
 *   `grpc`        – a grpc-js server whose one unary method answers a fixed body;
 *   `http <port>` – a node:http server: `/direct` answers the fixed body itself, `/relay`
 *                   answers whatever one grpc-js unary call to the `grpc` child at <port>
 *                   returns, `/multiplexed` the same as a message on one long-lived bidi
 *                   stream (how libs/grpc carries calls by default, without its checks).
 * Reports its listening port(s) to the parent over IPC, then serves until killed.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, credentials, Server, ServerCredentials, type ClientDuplexStream, type ServerDuplexStream, type ServiceError } from '@grpc/grpc-js';

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
const STREAM_METHOD = '/egp.bench.floor.v1.Floor/Exchange';
const bytes = (value: Buffer) => value;
const definition = {
  get: { path: METHOD, requestStream: false, responseStream: false, requestSerialize: bytes, requestDeserialize: bytes, responseSerialize: bytes, responseDeserialize: bytes, originalName: 'get' },
  exchange: { path: STREAM_METHOD, requestStream: true, responseStream: true, requestSerialize: bytes, requestDeserialize: bytes, responseSerialize: bytes, responseDeserialize: bytes, originalName: 'exchange' },
};
/** Stream messages start with a 4-byte call id; the answer echoes it before the body. */
const ID_BYTES = 4;

function report(ports: Record<string, number>): void {
  process.send?.(ports);
}

async function serveGrpc(): Promise<void> {
  const server = new Server();
  server.addService(definition, {
    get: (_call: unknown, callback: (error: null, body: Buffer) => void) => callback(null, BODY),
    exchange: (call: ServerDuplexStream<Buffer, Buffer>) => {
      call.on('data', (message: Buffer) => call.write(Buffer.concat([message.subarray(0, ID_BYTES), BODY])));
      call.on('end', () => call.end());
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  report({ grpcPort: port });
}

/** One bidi stream (reopened after a failure); answers are matched to their requests by call id. */
function streamCaller(client: Client): (message: Buffer) => Promise<Buffer | undefined> {
  const waiting = new Map<number, (body: Buffer | undefined) => void>();
  let stream: ClientDuplexStream<Buffer, Buffer> | undefined;
  const open = (): ClientDuplexStream<Buffer, Buffer> => {
    const opened = client.makeBidiStreamRequest<Buffer, Buffer>(STREAM_METHOD, bytes, bytes);
    opened.on('data', (answer: Buffer) => {
      const id = answer.readUInt32BE(0);
      waiting.get(id)?.(answer.subarray(ID_BYTES));
      waiting.delete(id);
    });
    opened.on('error', () => {
      stream = undefined;
      for (const fail of waiting.values()) fail(undefined);
      waiting.clear();
    });
    return opened;
  };
  let lastId = 0;
  return (message) => {
    stream ??= open();
    lastId = (lastId + 1) % 2 ** 31;
    const id = lastId;
    const header = Buffer.alloc(ID_BYTES);
    header.writeUInt32BE(id);
    stream.write(Buffer.concat([header, message]));
    return new Promise((resolve) => waiting.set(id, resolve));
  };
}

function serveHttp(grpcPort: number): void {
  const client = new Client(`127.0.0.1:${grpcPort}`, credentials.createInsecure());
  const callOnStream = streamCaller(client);
  const answer = (res: ServerResponse, status: number, body: Buffer) => {
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  };
  const server = createServer((req, res) => {
    if (req.url === '/multiplexed') {
      void callOnStream(Buffer.from(req.headers.authorization ?? '')).then((body) => (body ? answer(res, 200, body) : answer(res, 502, Buffer.from('{}'))));
    } else if (req.url === '/relay') {
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
