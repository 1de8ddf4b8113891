import { Client, credentials, Metadata, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '#libs/errors';
import { ASSERTION_METADATA_KEY, type AssertionSigner, type Principal } from '#libs/identity';
import { fromServiceError } from './error-metadata.ts';
import { REQUEST_ID_METADATA_KEY } from './server.ts';

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
  });
  const timeoutMs = options.defaultTimeoutMs ?? 5_000;

  async function callOnce(method: MethodDefinitionLike, request: unknown, callOptions: CallOptions): Promise<unknown> {
    const metadata = new Metadata();
    metadata.set(ASSERTION_METADATA_KEY, await options.assertions.sign(callOptions.principal, options.caller));
    if (callOptions.requestId) metadata.set(REQUEST_ID_METADATA_KEY, callOptions.requestId);
    const ownDeadline = Date.now() + timeoutMs;
    const deadline = Math.min(ownDeadline, callOptions.deadline?.getTime() ?? ownDeadline);
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
        const retryable = callOptions.idempotent && serviceError.code === GrpcStatus.UNAVAILABLE;
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

  const methods: Record<string, unknown> = { close: () => client.close() };
  for (const [name, method] of Object.entries(definition)) {
    methods[name] = (request: unknown, callOptions: CallOptions) => call(method, request, callOptions);
  }
  return methods as AsyncClient<Definition> & { close(): void };
}
