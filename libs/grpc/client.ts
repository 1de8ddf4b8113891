import { Client, credentials, Metadata, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '#libs/errors';
import { ASSERTION_METADATA_KEY, type AssertionSigner, type Principal } from '#libs/identity';
import { fromServiceError, NOT_RUN_KEY } from './error-metadata.ts';
import { CallMultiplexer } from './multiplex-client.ts';
import { MAX_MESSAGE_BYTES, REQUEST_ID_METADATA_KEY } from './server.ts';

interface MethodDefinitionLike {
  path: string;
  requestSerialize: (value: never) => Buffer;
  responseDeserialize: (value: Buffer) => unknown;
}

type RequestOf<Def> = Def extends { requestSerialize: (value: infer Req) => Buffer } ? Req : never;
type ResponseOf<Def> = Def extends { responseDeserialize: (value: Buffer) => infer Res } ? Res : never;

export interface CallOptions {
  /** Who the call is made for; signed into the assertion the callee verifies. */
  principal: Principal;
  requestId?: string | undefined;
  /** An inherited deadline (from the incoming call); the earlier of this and the default wins. */
  deadline?: Date | undefined;
  /** Retry on UNAVAILABLE with backoff. Only for calls that are safe to repeat. */
  idempotent?: boolean;
}

/** A promise-returning client for a ts-proto service definition, typed per method. */
export type AsyncClient<Definition> = {
  [Method in keyof Definition]: (
    request: RequestOf<Definition[Method]>,
    options: CallOptions,
  ) => Promise<ResponseOf<Definition[Method]>>;
};

export interface GrpcClientOptions {
  address: string;
  /** The calling process, recorded in the assertion. */
  caller: string;
  assertions: AssertionSigner;
  /** Deadline applied to every call that brings no earlier one. */
  defaultTimeoutMs?: number;
  /**
   * Send calls as frames on one MultiplexService stream (see multiplex_service.proto)
   * instead of one HTTP/2 stream each: the same calls, checks and errors, at about half
   * the CPU and without grpc-js's per-call garbage. Falls back to unary calls for a server
   * that lacks the service.
   */
  multiplex?: boolean;
}

const RETRY_DELAYS_MS = [50, 200, 500];

/**
 * Builds a client that always sets a deadline, signs the caller's principal into every call,
 * propagates the request id, and rebuilds the callee's AppError on failure.
 */
export function createGrpcClient<Definition extends Record<string, MethodDefinitionLike>>(
  definition: Definition,
  options: GrpcClientOptions,
): AsyncClient<Definition> & { close(): void } {
  const client = new Client(options.address, credentials.createInsecure(), {
    'grpc.keepalive_time_ms': 30_000,
    // All answers share one stream when multiplexing: a receive window as large as the
    // largest message keeps a big answer from holding the small ones behind flow control.
    ...(options.multiplex ? { 'grpc-node.flow_control_window': MAX_MESSAGE_BYTES } : {}),
  });
  const timeoutMs = options.defaultTimeoutMs ?? 5_000;
  const multiplexer = options.multiplex ? new CallMultiplexer(client) : undefined;

  async function callOnce(method: MethodDefinitionLike, request: unknown, callOptions: CallOptions): Promise<unknown> {
    const assertion = await options.assertions.sign(callOptions.principal, options.caller);
    const ownDeadline = Date.now() + timeoutMs;
    const deadline = Math.min(ownDeadline, callOptions.deadline?.getTime() ?? ownDeadline);
    if (multiplexer && !multiplexer.unsupported) {
      const payload = (method.requestSerialize as (value: unknown) => Buffer)(request);
      try {
        return method.responseDeserialize(await multiplexer.call({ path: method.path, payload, assertion, requestId: callOptions.requestId, deadline }));
      } catch (error) {
        // A server from before MultiplexService never ran the call: make it as a unary one.
        if (!(multiplexer.unsupported && (error as ServiceError).code === GrpcStatus.UNIMPLEMENTED)) throw error;
      }
    }
    const metadata = new Metadata();
    metadata.set(ASSERTION_METADATA_KEY, assertion);
    if (callOptions.requestId) metadata.set(REQUEST_ID_METADATA_KEY, callOptions.requestId);
    return new Promise((resolve, reject) => {
      client.makeUnaryRequest(
        method.path,
        method.requestSerialize as (value: unknown) => Buffer,
        method.responseDeserialize,
        request,
        metadata,
        { deadline },
        (error: ServiceError | null, response?: unknown) => (error ? reject(error) : resolve(response)),
      );
    });
  }

  async function call(method: MethodDefinitionLike, request: unknown, callOptions: CallOptions): Promise<unknown> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await callOnce(method, request, callOptions);
      } catch (error) {
        const serviceError = error as ServiceError;
        // Idempotent calls may run twice; any call may be sent again if the server never ran it.
        const notRun = serviceError.metadata?.get(NOT_RUN_KEY)[0] === '1';
        const retryable = serviceError.code === GrpcStatus.UNAVAILABLE && (callOptions.idempotent || notRun);
        const delay = RETRY_DELAYS_MS[attempt];
        if (retryable && delay !== undefined) {
          await sleep(delay);
          continue;
        }
        if (typeof serviceError.code === 'number') throw fromServiceError(serviceError);
        throw AppError.internal(error);
      }
    }
  }

  const methods: Record<string, unknown> = {
    close: () => {
      multiplexer?.close();
      client.close();
    },
  };
  for (const [name, method] of Object.entries(definition)) {
    methods[name] = (request: unknown, callOptions: CallOptions) => call(method, request, callOptions);
  }
  return methods as AsyncClient<Definition> & { close(): void };
}
