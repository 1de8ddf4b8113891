import { credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  HealthCheckResponse_ServingStatus as ServingStatus,
  HealthClient,
  type HealthCheckResponse,
} from '#gen/grpc/health/v1/health';

const POLL_INTERVAL_MS = 200;
const ATTEMPT_TIMEOUT_MS = 1_000;

export interface WaitOptions {
  timeoutMs: number;
  /** Aborted when waiting no longer makes sense (the child died, the run was stopped). */
  signal: AbortSignal;
}

/** Polls until `probe` answers true; throws on timeout or abort, naming `what`. */
async function pollUntil(what: string, probe: () => Promise<boolean>, options: WaitOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let lastProblem: string;
  for (;;) {
    options.signal.throwIfAborted();
    try {
      if (await probe()) return;
      lastProblem = 'not ready yet';
    } catch (error) {
      lastProblem = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() >= deadline) {
      throw new Error(`${what} was not ready within ${options.timeoutMs} ms (last: ${lastProblem})`);
    }
    await sleep(POLL_INTERVAL_MS, undefined, { signal: options.signal }).catch(() => {});
  }
}

/** Waits until the gRPC server at `address` answers the standard health check with SERVING. */
export async function waitForGrpcServing(address: string, options: WaitOptions): Promise<void> {
  // Short reconnect backoff: the default grows towards two minutes while the server boots.
  const client = new HealthClient(address, credentials.createInsecure(), {
    'grpc.initial_reconnect_backoff_ms': 100,
    'grpc.max_reconnect_backoff_ms': 500,
  });
  const check = () =>
    new Promise<boolean>((resolve, reject) => {
      const deadline = Date.now() + ATTEMPT_TIMEOUT_MS;
      client.check({ service: '' }, new Metadata(), { deadline }, (error: ServiceError | null, response: HealthCheckResponse) =>
        error ? reject(error) : resolve(response.status === ServingStatus.SERVING),
      );
    });
  try {
    await pollUntil(`gRPC health at ${address}`, check, options);
  } finally {
    client.close();
  }
}

/** Waits until `url` answers 200 (the gateway's /readyz: its dependencies are reachable). */
export async function waitForHttpOk(url: string, options: WaitOptions): Promise<void> {
  const probe = async () => {
    const response = await fetch(url, { signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS) });
    await response.body?.cancel();
    return response.status === 200;
  };
  await pollUntil(url, probe, options);
}
