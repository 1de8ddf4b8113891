import { credentials, Metadata } from '@grpc/grpc-js';
import { HealthCheckResponse_ServingStatus as ServingStatus, HealthClient } from '#gen/grpc/health/v1/health';
import type { DependencyProbe } from './types.ts';

/**
 * Asks a service the standard gRPC health question (overall status, service "") with a
 * short deadline. Health checks need no assertion: GrpcServer answers them unauthenticated.
 */
export function createHealthProbe(name: string, address: string, timeoutMs: number): DependencyProbe & { close(): void } {
  const client = new HealthClient(address, credentials.createInsecure());
  return {
    name,
    check: () =>
      new Promise<void>((resolve, reject) => {
        client.check({ service: '' }, new Metadata(), { deadline: Date.now() + timeoutMs }, (error, response) => {
          if (error) reject(error);
          else if (response.status !== ServingStatus.SERVING) reject(new Error(`${name} is not serving`));
          else resolve();
        });
      }),
    close: () => client.close(),
  };
}
