import {
  Server,
  ServerCredentials,
  type handleUnaryCall,
  type Metadata,
  type ServerUnaryCall,
  type ServiceDefinition,
  type sendUnaryData,
} from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import { AppError } from '#libs/errors';
import { ASSERTION_METADATA_KEY, type AssertionSigner, type Principal } from '#libs/identity';
import { withRequestId, type Logger } from '#libs/logging';
import { HealthService } from '#gen/grpc/health/v1/health';
import { toGrpcStatus } from './error-metadata.ts';
import { HealthState } from './health.ts';

export const REQUEST_ID_METADATA_KEY = 'x-request-id';

/** What a handler knows about the call besides its request message. */
export interface CallContext {
  principal: Principal;
  requestId: string;
  /** When the caller stops waiting; pass it on to downstream calls. */
  deadline: Date | undefined;
  logger: Logger;
}

export type AsyncUnaryHandler<Req, Res> = (request: Req, context: CallContext) => Promise<Res>;

/** The async form of a ts-proto `XServer` interface: one promise-returning function per RPC. */
export type AsyncHandlers<ServerInterface> = {
  // `string extends Method` drops grpc-js's index signature, keeping only the named RPCs.
  [Method in keyof ServerInterface as string extends Method ? never : Method]: ServerInterface[Method] extends handleUnaryCall<infer Req, infer Res>
    ? AsyncUnaryHandler<Req, Res>
    : never;
};

function metadataString(metadata: Metadata, key: string): string | undefined {
  const value = metadata.get(key)[0];
  return typeof value === 'string' ? value : undefined;
}

function deadlineOf(call: ServerUnaryCall<unknown, unknown>): Date | undefined {
  const deadline = call.getDeadline();
  if (deadline instanceof Date) return deadline;
  return Number.isFinite(deadline) ? new Date(deadline) : undefined;
}

export interface GrpcServerOptions {
  name: string;
  logger: Logger;
  assertions: AssertionSigner;
  /** How long in-flight calls may take to finish after SIGTERM. */
  shutdownGraceMs?: number;
  /**
   * Applied to every error a handler throws before it becomes a status, e.g. so that a lost
   * database connection answers UNAVAILABLE instead of INTERNAL.
   */
  translateError?: (error: unknown) => unknown;
}

/**
 * A gRPC server whose handlers are plain async functions. Every call is authenticated by
 * its signed assertion before the handler runs; errors leave as gRPC statuses carrying the
 * AppError code; the standard health service is always registered.
 */
export class GrpcServer {
  readonly health = new HealthState();
  readonly #server = new Server({ 'grpc.max_receive_message_length': 4 * 1024 * 1024 });
  readonly #options: GrpcServerOptions;

  constructor(options: GrpcServerOptions) {
    this.#options = options;
    this.#server.addService(HealthService, this.health.implementation());
  }

  add<ServerInterface>(definition: ServiceDefinition, handlers: AsyncHandlers<ServerInterface>): this {
    const wrapped: Record<string, handleUnaryCall<unknown, unknown>> = {};
    for (const [method, handler] of Object.entries(handlers as Record<string, AsyncUnaryHandler<unknown, unknown>>)) {
      wrapped[method] = this.#wrap(method, handler);
    }
    this.#server.addService(definition, wrapped);
    return this;
  }

  #wrap(method: string, handler: AsyncUnaryHandler<unknown, unknown>): handleUnaryCall<unknown, unknown> {
    const { logger, assertions, name } = this.#options;
    return (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
      const requestId = metadataString(call.metadata, REQUEST_ID_METADATA_KEY) ?? randomUUID();
      void withRequestId(requestId, async () => {
        const started = performance.now();
        try {
          const principal = await assertions.verify(metadataString(call.metadata, ASSERTION_METADATA_KEY));
          const context: CallContext = { principal, requestId, deadline: deadlineOf(call), logger };
          const response = await handler(call.request, context);
          callback(null, response);
        } catch (thrown) {
          const error = this.#options.translateError ? this.#options.translateError(thrown) : thrown;
          const expected = error instanceof AppError && error.code !== 'INTERNAL';
          logger[expected ? 'debug' : 'error']({ err: error, rpc: `${name}.${method}` }, 'rpc failed');
          callback(toGrpcStatus(error));
        } finally {
          logger.debug({ rpc: `${name}.${method}`, ms: Math.round(performance.now() - started) }, 'rpc done');
        }
      });
    };
  }

  /** Binds and marks the process SERVING; returns the bound port (useful with port 0). */
  async listen(address: string): Promise<number> {
    const port = await new Promise<number>((resolve, reject) => {
      this.#server.bindAsync(address, ServerCredentials.createInsecure(), (error, boundPort) =>
        error ? reject(error) : resolve(boundPort),
      );
    });
    this.health.set(true);
    this.#options.logger.info({ address, port }, `${this.#options.name} gRPC listening`);
    return port;
  }

  /** Stops taking new calls, lets in-flight ones finish within the grace period, then closes. */
  async shutdown(): Promise<void> {
    this.health.set(false);
    const grace = this.#options.shutdownGraceMs ?? 10_000;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.#server.forceShutdown();
        resolve();
      }, grace);
      timer.unref();
      this.#server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
