import {
  Server,
  ServerCredentials,
  status as GrpcStatus,
  type handleUnaryCall,
  type Metadata,
  type ServerUnaryCall,
  type ServiceDefinition,
  type StatusObject,
  type sendUnaryData,
} from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import { AppError } from '#libs/errors';
import { ASSERTION_METADATA_KEY, type AssertionSigner, type Principal } from '#libs/identity';
import { withDeadline } from '#libs/deadline';
import { withRequestId, type Logger } from '#libs/logging';
import { MultiplexServiceService, type ExchangeRequest, type ExchangeResponse } from '#gen/egp/transport/v1/multiplex_service';
import { HealthService } from '#gen/grpc/health/v1/health';
import { toGrpcStatus } from './error-metadata.ts';
import { HealthState } from './health.ts';
import { errorFrame, okFrame } from './multiplex-frames.ts';
import { writeSecurityEvent } from './security-events.ts';
import { MultiplexEndpoint } from './multiplex-server.ts';

export const REQUEST_ID_METADATA_KEY = 'x-request-id';
/** The largest message a server accepts (and, multiplexed, the largest frame). */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

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

/** A method as both transports reach it: the unary RPC and MultiplexService frames. */
interface Route {
  method: string;
  handler: AsyncUnaryHandler<unknown, unknown>;
  deserialize: (payload: Buffer) => unknown;
  serialize: (response: unknown) => Buffer;
}

interface Incoming {
  assertion: string | undefined;
  requestId: string;
  deadline: Date | undefined;
}

type Outcome = { ok: true; response: unknown } | { ok: false; status: Partial<StatusObject> };

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
 * AppError code; the standard health service is always registered. Every method is reachable
 * as its unary RPC and as frames on MultiplexService (see multiplex_service.proto), through
 * the same checks.
 */
export class GrpcServer {
  readonly health = new HealthState();
  readonly #server = new Server({ 'grpc.max_receive_message_length': MAX_MESSAGE_BYTES });
  readonly #options: GrpcServerOptions;
  readonly #routes = new Map<string, Route>();
  readonly #multiplex = new MultiplexEndpoint((frame) => this.#dispatch(frame));

  constructor(options: GrpcServerOptions) {
    this.#options = options;
    this.#server.addService(HealthService, this.health.implementation());
    this.#server.addService(MultiplexServiceService, { exchange: this.#multiplex.serve.bind(this.#multiplex) });
  }

  add<ServerInterface>(definition: ServiceDefinition, handlers: AsyncHandlers<ServerInterface>): this {
    const wrapped: Record<string, handleUnaryCall<unknown, unknown>> = {};
    for (const [method, handler] of Object.entries(handlers as Record<string, AsyncUnaryHandler<unknown, unknown>>)) {
      wrapped[method] = this.#wrap(method, handler);
      const { path, requestDeserialize, responseSerialize } = definition[method]!;
      this.#routes.set(path, { method, handler, deserialize: requestDeserialize, serialize: responseSerialize });
    }
    this.#server.addService(definition, wrapped);
    return this;
  }

  #wrap(method: string, handler: AsyncUnaryHandler<unknown, unknown>): handleUnaryCall<unknown, unknown> {
    return (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
      const incoming = {
        assertion: metadataString(call.metadata, ASSERTION_METADATA_KEY),
        requestId: metadataString(call.metadata, REQUEST_ID_METADATA_KEY) ?? randomUUID(),
        deadline: deadlineOf(call),
      };
      void this.#invoke(method, handler, call.request, incoming).then((outcome) =>
        outcome.ok ? callback(null, outcome.response) : callback(outcome.status),
      );
    };
  }

  /** One multiplexed call: the same checks and handler as its unary RPC, answered as a frame. */
  async #dispatch(frame: ExchangeRequest): Promise<ExchangeResponse> {
    const route = this.#routes.get(frame.method);
    if (!route) return errorFrame(frame.callId, { code: GrpcStatus.UNIMPLEMENTED, details: `Unknown method ${frame.method}.` });
    let request: unknown;
    try {
      request = route.deserialize(frame.payload);
    } catch {
      return errorFrame(frame.callId, { code: GrpcStatus.INTERNAL, details: 'Malformed request message.' });
    }
    const incoming = {
      assertion: frame.assertion || undefined,
      requestId: frame.requestId || randomUUID(),
      deadline: frame.deadlineUnixMs > 0 ? new Date(frame.deadlineUnixMs) : undefined,
    };
    const outcome = await this.#invoke(route.method, route.handler, request, incoming);
    if (!outcome.ok) return errorFrame(frame.callId, outcome.status);
    try {
      return okFrame(frame.callId, route.serialize(outcome.response));
    } catch (error) {
      this.#options.logger.error({ err: error, rpc: `${this.#options.name}.${route.method}` }, 'could not serialize the response');
      return errorFrame(frame.callId, toGrpcStatus(AppError.internal(error)));
    }
  }

  /** Authenticates the call, runs the handler and turns whatever it throws into a status. */
  #invoke(method: string, handler: AsyncUnaryHandler<unknown, unknown>, request: unknown, incoming: Incoming): Promise<Outcome> {
    const { logger, assertions, name } = this.#options;
    return withRequestId(incoming.requestId, async (): Promise<Outcome> => {
      const started = performance.now();
      let principal: Principal | undefined;
      try {
        principal = await assertions.verify(incoming.assertion);
        const context: CallContext = { principal, requestId: incoming.requestId, deadline: incoming.deadline, logger };
        return { ok: true, response: await withDeadline(incoming.deadline, () => handler(request, context)) };
      } catch (thrown) {
        const error = this.#options.translateError ? this.#options.translateError(thrown) : thrown;
        const expected = error instanceof AppError && error.code !== 'INTERNAL';
        logger[expected ? 'debug' : 'error']({ err: error, rpc: `${name}.${method}` }, 'rpc failed');
        writeSecurityEvent(logger, `${name}.${method}`, error, principal);
        return { ok: false, status: toGrpcStatus(error) };
      } finally {
        logger.debug({ rpc: `${name}.${method}`, ms: Math.round(performance.now() - started) }, 'rpc done');
      }
    });
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
    this.health.endWatches();
    const grace = this.#options.shutdownGraceMs ?? 10_000;
    const drainStarted = performance.now();
    await this.#multiplex.drain(grace);
    const left = Math.max(0, grace - (performance.now() - drainStarted));
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.#server.forceShutdown();
        resolve();
      }, left);
      timer.unref();
      this.#server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
