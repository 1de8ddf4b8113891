import type { Server } from 'node:http';
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

/**
 * Stops in the order that loses no request: not ready first while still serving (a client
 * routed here in the meantime is answered, not refused), then no new connections, then the
 * requests in flight finish (cut off after the grace period), then the clients close.
 */
export async function shutDownGracefully(steps: ShutdownSteps): Promise<void> {
  const { server } = steps;
  steps.startDraining();
  if (steps.drainDelayMs > 0) await delay(steps.drainDelayMs);
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const grace = setTimeout(() => server.closeAllConnections(), steps.graceMs);
  grace.unref();
  await closed;
  clearTimeout(grace);
  await steps.closeDependencies();
}
