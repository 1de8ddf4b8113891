import { Metadata, status as GrpcStatus, type Client, type ClientDuplexStream, type ServiceError } from '@grpc/grpc-js';
import { MultiplexServiceService, type ExchangeRequest, type ExchangeResponse } from '#gen/egp/transport/v1/multiplex_service';
import { frameError, serviceError } from './multiplex-frames.ts';

const exchange = MultiplexServiceService.exchange;
/** Call ids wrap around well before uint32 does; 0 is never used. */
const MAX_CALL_ID = 2 ** 31;

export interface FramedCall {
  path: string;
  payload: Buffer;
  assertion: string;
  requestId: string | undefined;
  /** Milliseconds since the epoch. */
  deadline: number;
}

interface Pending {
  stream: ClientDuplexStream<ExchangeRequest, ExchangeResponse>;
  resolve: (payload: Buffer) => void;
  reject: (error: ServiceError) => void;
  timer: NodeJS.Timeout;
}

/**
 * The client end of MultiplexService: unary calls sent as frames on one bidirectional
 * stream per channel, opened on first use. Answers are matched by call id; a call past its
 * deadline fails with DEADLINE_EXCEEDED (its late answer is dropped). When the stream breaks
 * (server gone, shutting down, network), every call in flight on it fails with UNAVAILABLE,
 * as a unary call would, and the next call opens a new stream. A server without the service
 * fails the stream with UNIMPLEMENTED: its calls fail with that code and `unsupported`
 * turns true, telling the caller to make them (and all later ones) as unary calls.
 */
export class CallMultiplexer {
  readonly #client: Client;
  readonly #pending = new Map<number, Pending>();
  #stream: ClientDuplexStream<ExchangeRequest, ExchangeResponse> | undefined;
  #lastCallId = 0;
  #closed = false;
  unsupported = false;

  constructor(client: Client) {
    this.#client = client;
  }

  /** Resolves with the response payload, or rejects with a ServiceError exactly as a unary call would. */
  call(framed: FramedCall): Promise<Buffer> {
    if (this.#closed) return Promise.reject(serviceError(GrpcStatus.UNAVAILABLE, 'The channel is closed.'));
    const stream = this.#open();
    const callId = this.#nextCallId();
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.#pending.delete(callId)) reject(serviceError(GrpcStatus.DEADLINE_EXCEEDED, 'Deadline exceeded.'));
      }, Math.max(0, framed.deadline - Date.now()));
      this.#pending.set(callId, { stream, resolve, reject, timer });
      stream.write({
        callId,
        method: framed.path,
        payload: framed.payload,
        assertion: framed.assertion,
        requestId: framed.requestId ?? '',
        deadlineUnixMs: framed.deadline,
      });
    });
  }

  close(): void {
    this.#closed = true;
    const stream = this.#stream;
    this.#stream = undefined;
    if (stream) this.#failAll(stream, serviceError(GrpcStatus.UNAVAILABLE, 'The channel is closed.'));
    stream?.cancel();
  }

  #nextCallId(): number {
    do {
      this.#lastCallId = this.#lastCallId >= MAX_CALL_ID ? 1 : this.#lastCallId + 1;
    } while (this.#pending.has(this.#lastCallId));
    return this.#lastCallId;
  }

  #open(): ClientDuplexStream<ExchangeRequest, ExchangeResponse> {
    if (this.#stream) return this.#stream;
    const stream = this.#client.makeBidiStreamRequest(exchange.path, exchange.requestSerialize, exchange.responseDeserialize, new Metadata());
    stream.on('data', (frame: ExchangeResponse) => this.#answer(frame));
    stream.on('error', (error: ServiceError) => {
      // The calls then fail with UNIMPLEMENTED, which the client answers with a unary call.
      if (error.code === GrpcStatus.UNIMPLEMENTED) this.unsupported = true;
      this.#broken(stream, error.code, error.details);
    });
    stream.on('end', () => this.#broken(stream, GrpcStatus.UNAVAILABLE, 'The service ended the stream.'));
    stream.on('close', () => this.#broken(stream, GrpcStatus.UNAVAILABLE, 'The stream closed.'));
    this.#stream = stream;
    return stream;
  }

  #answer(frame: ExchangeResponse): void {
    const pending = this.#pending.get(frame.callId);
    if (!pending) return; // past its deadline
    this.#pending.delete(frame.callId);
    clearTimeout(pending.timer);
    if (frame.status === Number(GrpcStatus.OK)) pending.resolve(frame.payload);
    else pending.reject(frameError(frame));
  }

  /** The stream is unusable: fail what is in flight on it; the next call opens another. */
  #broken(stream: ClientDuplexStream<ExchangeRequest, ExchangeResponse>, code: GrpcStatus, details: string): void {
    if (this.#stream === stream) this.#stream = undefined;
    // Only transport failures reach here; a stream cancelled by close() was already emptied.
    const retryable = code === GrpcStatus.CANCELLED ? GrpcStatus.UNAVAILABLE : code;
    this.#failAll(stream, serviceError(retryable, details || 'The stream broke.'));
    // The server ended its side (e.g. draining for shutdown): end ours so the stream closes.
    if (stream.writable) stream.end();
  }

  #failAll(stream: ClientDuplexStream<ExchangeRequest, ExchangeResponse>, error: ServiceError): void {
    for (const [callId, pending] of this.#pending) {
      if (pending.stream !== stream) continue;
      this.#pending.delete(callId);
      clearTimeout(pending.timer);
      pending.reject(error);
    }
  }
}
