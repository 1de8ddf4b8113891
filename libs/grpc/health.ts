import { status as GrpcStatus, type ServerUnaryCall, type ServerWritableStream, type sendUnaryData } from '@grpc/grpc-js';
import {
  HealthCheckResponse_ServingStatus as ServingStatus,
  type HealthCheckRequest,
  type HealthCheckResponse,
  type HealthServer,
} from '#gen/grpc/health/v1/health';

type Status = (typeof ServingStatus)[keyof typeof ServingStatus];
type WatchCall = ServerWritableStream<HealthCheckRequest, HealthCheckResponse>;

/**
 * The standard gRPC health service (grpc.health.v1). The overall status (service name "")
 * follows the process: SERVING once started, NOT_SERVING while draining for shutdown (and,
 * where a service says so, while its database is unreachable). Check answers NOT_FOUND for a
 * name it does not know; Watch sends the current status, then every change, until the
 * caller cancels (SERVICE_UNKNOWN for a name not known yet).
 */
export class HealthState {
  readonly #statuses = new Map<string, Status>([['', ServingStatus.NOT_SERVING]]);
  readonly #watchers = new Map<string, Set<WatchCall>>();

  set(serving: boolean, service = ''): void {
    const status = serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
    if (this.#statuses.get(service) === status) return;
    this.#statuses.set(service, status);
    for (const call of this.#watchers.get(service) ?? []) call.write({ status });
  }

  /** Ends every Watch (after they were told NOT_SERVING): an open stream would hold up a graceful shutdown. */
  endWatches(): void {
    for (const watchers of this.#watchers.values()) for (const call of watchers) call.end();
    this.#watchers.clear();
  }

  status(service: string): Status {
    return this.#statuses.get(service) ?? ServingStatus.SERVICE_UNKNOWN;
  }

  #watch(call: WatchCall): void {
    const { service } = call.request;
    const watchers = this.#watchers.get(service) ?? new Set<WatchCall>();
    this.#watchers.set(service, watchers);
    watchers.add(call);
    const forget = () => watchers.delete(call);
    call.on('cancelled', forget);
    call.on('close', forget);
    call.on('error', forget);
    call.write({ status: this.status(service) });
  }

  implementation(): HealthServer {
    return {
      check: (call: ServerUnaryCall<HealthCheckRequest, HealthCheckResponse>, callback: sendUnaryData<HealthCheckResponse>) => {
        const status = this.#statuses.get(call.request.service);
        if (status === undefined) callback({ code: GrpcStatus.NOT_FOUND, details: `unknown service: ${call.request.service}` });
        else callback(null, { status });
      },
      watch: (call: WatchCall) => this.#watch(call),
    };
  }
}
