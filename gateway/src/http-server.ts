import { once } from 'node:events';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { GatewayConfig } from './config.ts';
import { answerClientError } from './middleware/client-error.ts';

/** Node looks for requests past their deadline this often at most (its default is 30 s). */
const TIMEOUT_CHECK_MS = 1_000;

/**
 * The gateway's HTTP server, listening. A request's headers and body must arrive within
 * HTTP_REQUEST_TIMEOUT_MS, else 408 and the connection closes: a client trickling a body
 * (or headers) cannot hold a connection for Node's default of five minutes. Requests the
 * parser refuses get the API's problem+json (answerClientError).
 */
export async function listenHttp(app: RequestListener, config: Pick<GatewayConfig, 'HTTP_REQUEST_TIMEOUT_MS'>, port: number, host?: string): Promise<Server> {
  const timeout = config.HTTP_REQUEST_TIMEOUT_MS;
  const server = createServer({ requestTimeout: timeout, headersTimeout: timeout, connectionsCheckingInterval: Math.min(TIMEOUT_CHECK_MS, timeout) }, app);
  server.on('clientError', answerClientError);
  server.listen(port, host);
  await once(server, 'listening');
  return server;
}
