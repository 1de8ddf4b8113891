import type { Server, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';

export interface ShutdownSteps {
  server: Server;
  /** From trackUnansweredResponses: answered with `Connection: close` once the listener closes. */
  unanswered: Iterable<ServerResponse>;
  /** From here on /readyz fails, so load balancers and Kubernetes stop routing here. */
  startDraining(): void;
  /** How long to keep serving, not ready, before the listener closes: time for them to notice. */
  drainDelayMs: number;
  /** How long requests still in flight may take once the listener is closed. */
  graceMs: number;
  /** Closes what requests use (gRPC clients, Redis), once the last one has finished. */
  closeDependencies(): Promise<void>;
}

/**
 * Makes every answer not yet sent, and every answer to a request still to come on a
 * connection already open, say `Connection: close`, so each connection ends right after its
 * answer. A listener that closes only stops new connections: a keep-alive client goes on
 * sending on the one it has, and the grace period then cut those requests off mid-answer.
 */
function closeEachConnectionAfterItsAnswer(server: Server, unanswered: Iterable<ServerResponse>): void {
  const closeAfter = (response: ServerResponse) => {
    if (!response.headersSent) response.setHeader('Connection', 'close');
  };
  for (const response of unanswered) closeAfter(response);
  server.on('request', (_request, response: ServerResponse) => closeAfter(response));
}

/**
 * The answers a server has not finished yet, for closeEachConnectionAfterItsAnswer. Attach
 * when the server is created: a request that started before it is not seen.
 */
export function trackUnansweredResponses(server: Server): Set<ServerResponse> {
  const unanswered = new Set<ServerResponse>();
  server.on('request', (_request, response: ServerResponse) => {
    unanswered.add(response);
    response.once('close', () => unanswered.delete(response));
  });
  return unanswered;
}

/**
 * Stops in the order that loses no request: not ready first while still serving (a client
 * routed here in the meantime is answered, not refused) and each connection closed after its
 * next answer, then no new connections, then the requests in flight finish (cut off after
 * the grace period), then the clients close.
 */
export async function shutDownGracefully(steps: ShutdownSteps): Promise<void> {
  const { server } = steps;
  steps.startDraining();
  // From now on, so by the time the listener closes few connections are left idle: closing
  // an idle one races a client that is just sending on it (HTTP/1.1 cannot warn it first).
  closeEachConnectionAfterItsAnswer(server, steps.unanswered);
  if (steps.drainDelayMs > 0) await delay(steps.drainDelayMs);
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const grace = setTimeout(() => server.closeAllConnections(), steps.graceMs);
  grace.unref();
  await closed;
  clearTimeout(grace);
  await steps.closeDependencies();
}
