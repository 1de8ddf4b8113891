import type { Server, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';

export interface ShutdownSteps {
  server: Server;
  /** From here on /readyz fails, so load balancers and Kubernetes stop routing here. */
  startDraining(): void;
  /** How long to keep serving, not ready, before the listener closes: time for them to notice. */
  drainDelayMs: number;
  /** How long requests still in flight may take once the listener is closed. */
  graceMs: number;
  /** Closes what requests use (gRPC clients, Redis), once the last one has finished. */
  closeDependencies(): Promise<void>;
}

/** While draining, how often connections left idle by an answer sent before it began are closed. */
const IDLE_SWEEP_MS = 100;

/**
 * Makes every answer to a request from now on say `Connection: close`, so its connection
 * ends right after it. A listener that closes only stops new connections: a keep-alive
 * client goes on sending on the one it has, and the grace period then cut those requests off
 * mid-answer. (Answers already under way keep their connection; the sweep closes it once idle.)
 */
function closeConnectionsAfterTheirNextAnswer(server: Server): void {
  server.on('request', (_request, response: ServerResponse) => {
    if (!response.headersSent) response.setHeader('Connection', 'close');
  });
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
  closeConnectionsAfterTheirNextAnswer(server);
  if (steps.drainDelayMs > 0) await delay(steps.drainDelayMs);
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
  const grace = setTimeout(() => server.closeAllConnections(), steps.graceMs);
  grace.unref();
  await closed;
  clearInterval(sweep);
  clearTimeout(grace);
  await steps.closeDependencies();
}
