import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { HttpResponseParser, type ParsedResponse } from './http-response-parser.ts';
import type { RequestTemplate } from './spec.ts';

const REQUEST_TIMEOUT_MS = 30_000;
/**
 * A connection idle longer than this is closed rather than reused: Node's server drops
 * keep-alive connections idle for 5 s, and a request written as it does so fails with
 * ECONNRESET (the usual keep-alive race), which would count as the server's failure.
 */
const DEFAULT_MAX_IDLE_MS = 4_000;

/** Raised for a request that got no HTTP answer; `code` is Node's (ECONNRESET...). */
export class TransportError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

interface Waiter {
  bytes: Buffer;
  resolve: (status: number) => void;
  reject: (error: TransportError) => void;
}

/**
 * One keep-alive connection carrying one request at a time. A connection the server
 * closes (or that fails) fails its request and is replaced on the next send.
 */
class Connection {
  readonly socket: Socket;
  readonly #parser = new HttpResponseParser();
  #current: Waiter | undefined;
  #timer: NodeJS.Timeout | undefined;
  alive = true;
  /** When the last answer arrived (performance.now()). */
  idleSince = 0;

  constructor(port: number, onIdle: (connection: Connection) => void) {
    this.socket = connect({ host: '127.0.0.1', port, noDelay: true });
    this.socket.on('data', (chunk: Buffer) => {
      let responses: ParsedResponse[];
      try {
        responses = this.#parser.push(chunk);
      } catch (error) {
        this.#fail(new TransportError('EPROTO', (error as Error).message));
        return;
      }
      for (const response of responses) {
        const waiter = this.#current;
        this.#settle();
        waiter?.resolve(response.status);
        if (response.close) this.#fail(new TransportError('ECONNRESET', 'closed by the server'));
      }
      if (this.alive && !this.#current) {
        this.idleSince = performance.now();
        onIdle(this);
      }
    });
    this.socket.on('error', (error: NodeJS.ErrnoException) => this.#fail(new TransportError(error.code ?? 'ERROR', error.message)));
    this.socket.on('close', () => this.#fail(new TransportError('ECONNRESET', 'connection closed')));
  }

  send(waiter: Waiter): void {
    this.#current = waiter;
    this.#timer = setTimeout(() => this.#fail(new TransportError('ETIMEDOUT', 'no answer in time')), REQUEST_TIMEOUT_MS);
    this.socket.write(waiter.bytes);
  }

  #settle(): void {
    clearTimeout(this.#timer);
    this.#current = undefined;
  }

  #fail(error: TransportError): void {
    const waiter = this.#current;
    this.#settle();
    this.alive = false;
    this.socket.destroy();
    waiter?.reject(error);
  }
}

/**
 * Sends prepared requests to 127.0.0.1 over at most `maxSockets` keep-alive connections,
 * first come first served, and resolves with each answer's status (bodies are skipped).
 * Requests are serialized once up front and responses are only framed, never decoded, so
 * the generator costs a fraction of what node:http's client does on the shared cores.
 */
export class HttpSender {
  readonly #port: number;
  readonly #requests: Buffer[];
  readonly #maxSockets: number;
  readonly #maxIdleMs: number;
  readonly #connections = new Set<Connection>();
  readonly #idle: Connection[] = [];
  readonly #queue: Waiter[] = [];

  constructor(port: number, templates: RequestTemplate[], maxSockets: number, maxIdleMs = DEFAULT_MAX_IDLE_MS) {
    this.#port = port;
    this.#maxSockets = maxSockets;
    this.#maxIdleMs = maxIdleMs;
    this.#requests = templates.map((template) => serialize(template, port));
  }

  get templateCount(): number {
    return this.#requests.length;
  }

  send(index: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ bytes: this.#requests[index % this.#requests.length]!, resolve, reject });
      this.#dispatch();
    });
  }

  #dispatch(): void {
    while (this.#queue.length > 0) {
      const connection = this.#takeConnection();
      if (!connection) return;
      connection.send(this.#queue.shift()!);
    }
  }

  #takeConnection(): Connection | undefined {
    const now = performance.now();
    for (let connection = this.#idle.pop(); connection; connection = this.#idle.pop()) {
      if (connection.alive && now - connection.idleSince <= this.#maxIdleMs) return connection;
      connection.alive = false;
      connection.socket.destroy();
    }
    for (const connection of this.#connections) if (!connection.alive) this.#connections.delete(connection);
    if (this.#connections.size >= this.#maxSockets) return undefined;
    const connection = new Connection(this.#port, (idle) => {
      this.#idle.push(idle);
      this.#dispatch();
    });
    connection.socket.on('close', () => {
      this.#connections.delete(connection);
      this.#dispatch();
    });
    this.#connections.add(connection);
    return connection;
  }

  close(): void {
    for (const connection of this.#connections) connection.socket.destroy();
    this.#connections.clear();
    this.#idle.length = 0;
  }
}

function serialize(template: RequestTemplate, port: number): Buffer {
  const body = template.body === undefined ? undefined : Buffer.from(template.body);
  const headers = { host: `127.0.0.1:${port}`, ...template.headers, ...(body ? { 'content-length': String(body.length) } : {}) };
  const head = `${template.method} ${template.path} HTTP/1.1\r\n${Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('')}\r\n`;
  return body ? Buffer.concat([Buffer.from(head, 'latin1'), body]) : Buffer.from(head, 'latin1');
}

/** How a failed request is counted: its status, or the transport error's code. */
export function failureKey(outcome: unknown): string {
  if (typeof outcome === 'number') return String(outcome);
  return outcome instanceof TransportError ? outcome.code : 'ERROR';
}
