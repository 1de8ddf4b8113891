import type { ServerUnaryCall, ServerWritableStream, sendUnaryData } from '@grpc/grpc-js';
import {
  HealthCheckResponse_ServingStatus as ServingStatus,
  type HealthCheckRequest,
  type HealthCheckResponse,
  type HealthServer,
} from '#gen/grpc/health/v1/health';

type Status = (typeof ServingStatus)[keyof typeof ServingStatus];

/**
 * The standard gRPC health service. The overall status (service name "") follows the
 * process: SERVING once started, NOT_SERVING while draining for shutdown.
 */
export class HealthState {
  readonly #statuses = new Map<string, Status>([['', ServingStatus.NOT_SERVING]]);

  set(serving: boolean, service = ''): void {
    this.#statuses.set(service, serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
  }

  status(service: string): Status {
    return this.#statuses.get(service) ?? ServingStatus.SERVICE_UNKNOWN;
  }

  implementation(): HealthServer {
    return {
      check: (call: ServerUnaryCall<HealthCheckRequest, HealthCheckResponse>, callback: sendUnaryData<HealthCheckResponse>) => {
        callback(null, { status: this.status(call.request.service) });
      },
      // Watch is answered with the current status once; probes use Check.
      watch: (call: ServerWritableStream<HealthCheckRequest, HealthCheckResponse>) => {
        call.write({ status: this.status(call.request.service) });
        call.end();
      },
    };
  }
}
