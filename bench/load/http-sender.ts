import { Agent, request } from 'node:http';
import type { RequestTemplate } from './spec.ts';

const REQUEST_TIMEOUT_MS = 30_000;

interface Prepared {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
}

/** Raised for a request that got no HTTP answer; `code` is Node's (ECONNRESET...). */
export class TransportError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/**
 * Sends prepared requests to 127.0.0.1 over a keep-alive pool of at most `maxSockets`
 * connections and resolves with the status once the body has been read (and discarded).
 */
export class HttpSender {
  readonly #agent: Agent;
  readonly #port: number;
  readonly #prepared: Prepared[];

  constructor(port: number, templates: RequestTemplate[], maxSockets: number) {
    this.#port = port;
    this.#agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'fifo' });
    this.#prepared = templates.map((template) => {
      const body = template.body === undefined ? undefined : Buffer.from(template.body);
      const headers = body ? { ...template.headers, 'content-length': String(body.length) } : template.headers;
      return { method: template.method, path: template.path, headers, body };
    });
  }

  get templateCount(): number {
    return this.#prepared.length;
  }

  send(index: number): Promise<number> {
    const prepared = this.#prepared[index % this.#prepared.length]!;
    return new Promise((resolve, reject) => {
      const outgoing = request(
        { host: '127.0.0.1', port: this.#port, method: prepared.method, path: prepared.path, headers: prepared.headers, agent: this.#agent },
        (response) => {
          response.on('error', reject);
          response.on('end', () => resolve(response.statusCode ?? 0));
          response.resume();
        },
      );
      outgoing.setTimeout(REQUEST_TIMEOUT_MS, () => outgoing.destroy(new TransportError('ETIMEDOUT', 'no answer in time')));
      outgoing.on('error', (error: NodeJS.ErrnoException) => reject(new TransportError(error.code ?? 'ERROR', error.message)));
      outgoing.end(prepared.body);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}

/** How a failed request is counted: its status, or the transport error's code. */
export function failureKey(outcome: unknown): string {
  if (typeof outcome === 'number') return String(outcome);
  return outcome instanceof TransportError ? outcome.code : 'ERROR';
}
